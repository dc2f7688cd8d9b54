/**
 * An authentication method (MFA factor, passkey, password, …) of a user.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"

const ChannelStruct = Schema.Struct({ id: Schema.String, type: Schema.String }, Extra)

/**
 * A phone method's ways of sending a code: `{ id: "sms|dev_…", type: "sms" }`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { AuthenticationMethod } from "effect-auth0"
 * Schema.decodeUnknownSync(AuthenticationMethod.Channel)({ id: "sms|dev_kXVq4drj3Mw6uCF5", type: "sms" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Channel = named<Channel>()(ChannelStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Channel extends Schema.Schema.Type<typeof ChannelStruct> {}

const AuthenticationMethodStruct = Schema.Struct(
  {
    id: Schema.String,
    /** `email`, `phone`, `totp`, `push`, `webauthn-roaming`, `webauthn-platform`, `passkey`, `recovery-code`, `password`, … */
    type: Schema.String,
    confirmed: Schema.optional(Schema.Boolean),
    name: Nullable(Schema.String),
    created_at: Schema.optional(Schema.String),
    enrolled_at: Nullable(Schema.String),
    last_auth_at: Nullable(Schema.String),
    email: Nullable(Schema.String),
    phone_number: Nullable(Schema.String),
    /** `sms` or `voice`, for a phone. */
    preferred_authentication_method: Nullable(Schema.String),
    authentication_methods: Schema.optional(Schema.Array(Channel)),
    link_id: Nullable(Schema.String),
    key_id: Nullable(Schema.String),
    public_key: Nullable(Schema.String),
    relying_party_identifier: Nullable(Schema.String),
    credential_device_type: Nullable(Schema.String),
    credential_backed_up: Schema.optional(Schema.Boolean),
    user_agent: Nullable(Schema.String),
    aaguid: Nullable(Schema.String),
    transports: Schema.optional(Schema.Array(Schema.String))
  },
  Extra
)

/**
 * Only `id` (`<type>|dev_…`) and `type` are always there. Auth0 masks the
 * email and phone number when it reads a method back (`chuc****@exam*******`,
 * `XXXXXXXXXXX5044`) and never returns a TOTP secret. Fields Auth0 adds later
 * are kept in the decoded value.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { AuthenticationMethod } from "effect-auth0"
 * const method = Schema.decodeUnknownSync(AuthenticationMethod.AuthenticationMethod)({
 *   id: "email|dev_f0O81fTcftc0kN2v",
 *   type: "email",
 *   confirmed: true,
 *   email: "chuc****@exam*******",
 *   created_at: "2023-03-10T16:25:51.113Z"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticationMethod = named<AuthenticationMethod>()(AuthenticationMethodStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface AuthenticationMethod extends Schema.Schema.Type<typeof AuthenticationMethodStruct> {}
