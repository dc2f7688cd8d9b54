/**
 * A ticket: a one-time URL that lets a user change their password or verify
 * their email. Anyone holding it can use it, so it is `Redacted`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { named } from "../internal/schema.js"

const TicketStruct = Schema.Struct({ ticket: Schema.Redacted(Schema.String) })

/**
 * @example
 * ```ts
 * import { Redacted, Schema } from "effect"
 * import { Ticket } from "effect-auth0"
 * const { ticket } = Schema.decodeUnknownSync(Ticket.Ticket)({ ticket: "https://tenant.eu.auth0.com/u/reset-password?ticket=abc#" })
 * const url = Redacted.value(ticket)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Ticket = named<Ticket>()(TicketStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Ticket extends Schema.Schema.Type<typeof TicketStruct> {}
