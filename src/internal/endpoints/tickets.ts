/** The ticket endpoints: one-time URLs for a password change or an email verification. */
import * as Endpoint from "../../Endpoint.js"
import { Ticket } from "../../schema/Ticket.js"

interface Identity {
  readonly user_id: string
  readonly provider: string
  readonly connection_id?: string | undefined
}

/** The `POST /tickets/password-change` body: the user by `user_id`, or by `email` and `connection_id`. */
export interface PasswordChangeBody {
  readonly user_id?: string | undefined
  readonly email?: string | undefined
  readonly connection_id?: string | undefined
  readonly result_url?: string | undefined
  readonly client_id?: string | undefined
  readonly organization_id?: string | undefined
  readonly ttl_sec?: number | undefined
  readonly mark_email_as_verified?: boolean | undefined
  readonly includeEmailInRedirect?: boolean | undefined
  readonly identity?: Identity | undefined
}

/** The `POST /tickets/email-verification` body. */
export interface EmailVerificationBody {
  readonly user_id: string
  readonly result_url?: string | undefined
  readonly client_id?: string | undefined
  readonly organization_id?: string | undefined
  readonly ttl_sec?: number | undefined
  readonly includeEmailInRedirect?: boolean | undefined
  readonly identity?: Identity | undefined
}

export const passwordChange = Endpoint.make({
  name: "Tickets.passwordChange",
  method: "POST",
  path: "/tickets/password-change",
  // A second ticket is another valid URL: not sent again without the caller knowing.
  retrySafe: false,
  success: 201,
  errors: ["NotFound"],
  scopes: ["create:user_tickets"],
  bucket: "global",
  body: Endpoint.json<PasswordChangeBody>(),
  response: Ticket
})

export const emailVerification = Endpoint.make({
  name: "Tickets.emailVerification",
  method: "POST",
  path: "/tickets/email-verification",
  retrySafe: false,
  success: 201,
  errors: ["NotFound"],
  scopes: ["create:user_tickets"],
  bucket: "global",
  body: Endpoint.json<EmailVerificationBody>(),
  response: Ticket
})
