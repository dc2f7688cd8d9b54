/** The fake tenant's answers for the ticket endpoints. */
import type * as Endpoints from "../../../internal/endpoints.js"
import type { ResourceHandlers } from "../handlers.js"
import { originOf } from "../jobs.js"
import type { Bulk } from "../state/bulk.js"

export const tickets = (bulk: Bulk, domain: string): ResourceHandlers<typeof Endpoints.tickets> => ({
  passwordChange: ({ body, headers }) => bulk.ticket("password-change", body(), originOf(headers["host"], domain)),
  emailVerification: ({ body, headers }) => bulk.ticket("email-verification", body(), originOf(headers["host"], domain))
})
