/**
 * The user object of the Management API.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, LenientBoolean, Metadata, Nullable, named } from "../internal/schema.js"
import { Identity } from "./Identity.js"

const UserStruct = Schema.Struct(
  {
    user_id: Schema.String,
    email: Schema.optional(Schema.String),
    email_verified: Schema.optional(LenientBoolean),
    username: Schema.optional(Schema.String),
    phone_number: Schema.optional(Schema.String),
    phone_verified: Schema.optional(LenientBoolean),
    created_at: Schema.optional(Schema.String),
    updated_at: Schema.optional(Schema.String),
    identities: Schema.optional(Schema.Array(Identity)),
    app_metadata: Schema.optional(Metadata),
    user_metadata: Schema.optional(Metadata),
    picture: Schema.optional(Schema.String),
    name: Schema.optional(Schema.String),
    nickname: Schema.optional(Schema.String),
    given_name: Schema.optional(Schema.String),
    family_name: Schema.optional(Schema.String),
    multifactor: Schema.optional(Schema.Array(Schema.String)),
    last_ip: Nullable(Schema.String),
    last_login: Nullable(Schema.String),
    last_password_reset: Nullable(Schema.String),
    logins_count: Schema.optional(Schema.Number),
    blocked: Schema.optional(Schema.Boolean)
  },
  Extra
)

/**
 * Every field but `user_id` is optional: Auth0 omits what a connection does not
 * have, and `fields` projections drop the rest. Fields Auth0 adds later are
 * kept in the decoded value.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { User } from "effect-auth0"
 * const user = Schema.decodeUnknownSync(User.User)({ user_id: "auth0|1", email: "a@example.com" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const User = named<User>()(UserStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface User extends Schema.Schema.Type<typeof UserStruct> {}
