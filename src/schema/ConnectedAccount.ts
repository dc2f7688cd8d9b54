/**
 * An account at an external provider that a user connected through a connection (Token Vault).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, named } from "../internal/schema.js"

const ConnectedAccountStruct = Schema.Struct(
  {
    id: Schema.String,
    connection: Schema.String,
    connection_id: Schema.String,
    strategy: Schema.String,
    access_type: Schema.String,
    scopes: Schema.optional(Schema.Array(Schema.String)),
    created_at: Schema.String,
    expires_at: Schema.optional(Schema.String),
    organization_id: Schema.optional(Schema.String)
  },
  Extra
)

/**
 * The fields node-auth0 7.1 documents; `access_type` is a string (Auth0 knows only `offline` today).
 * Fields Auth0 adds later are kept in the decoded value.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ConnectedAccount } from "effect-auth0"
 * const account = Schema.decodeUnknownSync(ConnectedAccount.ConnectedAccount)({
 *   id: "cac_1",
 *   connection: "google-oauth2",
 *   connection_id: "con_G00gle0auth2Fake",
 *   strategy: "google-oauth2",
 *   access_type: "offline",
 *   created_at: "2026-01-01T00:00:00.000Z"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ConnectedAccount = named<ConnectedAccount>()(ConnectedAccountStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectedAccount extends Schema.Schema.Type<typeof ConnectedAccountStruct> {}
