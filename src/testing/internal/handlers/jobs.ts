/** The fake tenant's answers for the job endpoints: export and verification-email jobs. */
import type * as Endpoints from "../../../internal/endpoints.js"
import { Reply, type ResourceHandlers } from "../handlers.js"
import * as Jobs from "../jobs.js"
import { iso } from "../pages.js"
import { Refusal } from "../refusal.js"
import type { Bulk } from "../state/bulk.js"

export const jobs = (jobs: Jobs.Jobs, bulk: Bulk, domain: string): ResourceHandlers<typeof Endpoints.jobs> => ({
  get: ({ headers, now, params }) =>
    bulk.poll(params.id) ?? jobs.get(params.id, now, Jobs.originOf(headers["host"], domain)),
  // Neither an export nor a verification job rejects users: Auth0 answers 204 for a job without errors.
  errors: ({ now, params }) => {
    if (!bulk.verificationJobs.has(params.id) && !jobs.has(params.id, now))
      throw new Refusal(404, "Job not found.", "inexistent_job")
    return new Reply(204, undefined)
  },
  exportUsers: ({ body, now }) => jobs.create(body(), iso(now)),
  sendVerificationEmail: ({ body, now }) => bulk.verificationEmail(body(), iso(now))
})
