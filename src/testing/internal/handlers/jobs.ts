/** The fake tenant's answers for the job endpoints. */
import type * as Endpoints from "../../../internal/endpoints.js"
import type { ResourceHandlers } from "../handlers.js"
import * as Jobs from "../jobs.js"

export const jobs = (jobs: Jobs.Jobs, domain: string): ResourceHandlers<typeof Endpoints.jobs> => ({
  get: ({ headers, now, params }) => jobs.get(params.id, now, Jobs.originOf(headers["host"], domain))
})
