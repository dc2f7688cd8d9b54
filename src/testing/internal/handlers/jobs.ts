/** The fake tenant's answers for the job endpoints: export, import and verification-email jobs. */
import type * as Endpoints from "../../../internal/endpoints.js"
import { Reply, type ResourceHandlers } from "../handlers.js"
import * as Jobs from "../jobs.js"
import { iso } from "../pages.js"
import { Refusal } from "../refusal.js"
import type { Bulk } from "../state/bulk.js"
import type { Imports } from "../state/imports.js"

export const jobs = (
  jobs: Jobs.Jobs,
  bulk: Bulk,
  imports: Imports,
  domain: string
): ResourceHandlers<typeof Endpoints.jobs> => ({
  get: ({ headers, now, params }) =>
    bulk.poll(params.id) ??
    imports.poll(params.id, now) ??
    jobs.get(params.id, now, Jobs.originOf(headers["host"], domain)),
  // Auth0 answers 204 for a job without errors: every export and verification job, an import that rejected no one.
  errors: ({ now, params }) => {
    const rejected = imports.errorsOf(params.id, now)
    if (rejected !== undefined && rejected.length > 0) return rejected
    if (rejected === undefined && !bulk.verificationJobs.has(params.id) && !jobs.has(params.id, now))
      throw new Refusal(404, "Job not found.", "inexistent_job")
    return new Reply(204, undefined)
  },
  exportUsers: ({ body, now }) => jobs.create(body(), iso(now)),
  importUsers: ({ body, now }) => imports.create(body(), iso(now), now),
  sendVerificationEmail: ({ body, now }) => bulk.verificationEmail(body(), iso(now))
})
