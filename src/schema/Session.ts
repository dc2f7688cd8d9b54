/**
 * A user's session, as `GET /users/{id}/sessions` lists it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"

const SessionDeviceStruct = Schema.Struct(
  {
    initial_user_agent: Nullable(Schema.String),
    initial_ip: Nullable(Schema.String),
    initial_asn: Nullable(Schema.String),
    last_user_agent: Nullable(Schema.String),
    last_ip: Nullable(Schema.String),
    last_asn: Nullable(Schema.String)
  },
  Extra
)

/**
 * Where the session was started from and last used: user agent, IP and ASN.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Session } from "effect-auth0"
 * Schema.decodeUnknownSync(Session.SessionDevice)({ initial_ip: "203.0.113.7", last_user_agent: "Mozilla/5.0" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const SessionDevice = named<SessionDevice>()(SessionDeviceStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface SessionDevice extends Schema.Schema.Type<typeof SessionDeviceStruct> {}

const SessionAuthenticationMethodStruct = Schema.Struct(
  {
    name: Schema.String,
    timestamp: Nullable(Schema.String),
    type: Nullable(Schema.String)
  },
  Extra
)

/**
 * One way the user authenticated in the session (`pwd`, `mfa`, `federated`, …) and when.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Session } from "effect-auth0"
 * Schema.decodeUnknownSync(Session.SessionAuthenticationMethod)({ name: "pwd", timestamp: "2024-05-01T13:00:30.380Z" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const SessionAuthenticationMethod = named<SessionAuthenticationMethod>()(SessionAuthenticationMethodStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface SessionAuthenticationMethod extends Schema.Schema.Type<typeof SessionAuthenticationMethodStruct> {}

const SessionStruct = Schema.Struct(
  {
    id: Schema.String,
    user_id: Schema.optional(Schema.String),
    created_at: Nullable(Schema.String),
    updated_at: Nullable(Schema.String),
    authenticated_at: Nullable(Schema.String),
    idle_expires_at: Nullable(Schema.String),
    expires_at: Nullable(Schema.String),
    last_interacted_at: Nullable(Schema.String),
    device: Schema.optional(SessionDevice),
    clients: Schema.optional(Schema.Array(Schema.Struct({ client_id: Schema.String }, Extra))),
    authentication: Schema.optional(
      Schema.Struct({ methods: Schema.optional(Schema.Array(SessionAuthenticationMethod)) }, Extra)
    )
  },
  Extra
)

/**
 * Every field but `id` is optional, as Auth0 omits what it does not know; fields Auth0 adds later are
 * kept in the decoded value.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Session } from "effect-auth0"
 * const session = Schema.decodeUnknownSync(Session.Session)({
 *   id: "sess_1",
 *   user_id: "auth0|1",
 *   clients: [{ client_id: "abc" }],
 *   authentication: { methods: [{ name: "pwd", timestamp: "2024-05-01T13:00:30.380Z" }] }
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Session = named<Session>()(SessionStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Session extends Schema.Schema.Type<typeof SessionStruct> {}
