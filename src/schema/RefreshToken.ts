/**
 * A refresh token issued to a user, as `GET /users/{id}/refresh-tokens` lists it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"
import { SessionDevice } from "./Session.js"

const ResourceServerStruct = Schema.Struct(
  {
    audience: Schema.String,
    scopes: Nullable(Schema.String)
  },
  Extra
)

/**
 * An API the token grants access to, and the scopes (one space-separated string, as Auth0 sends it).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { RefreshToken } from "effect-auth0"
 * Schema.decodeUnknownSync(RefreshToken.ResourceServer)({ audience: "https://api.example.com/", scopes: "openid offline_access" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResourceServer = named<ResourceServer>()(ResourceServerStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface ResourceServer extends Schema.Schema.Type<typeof ResourceServerStruct> {}

const RefreshTokenStruct = Schema.Struct(
  {
    id: Schema.String,
    user_id: Schema.optional(Schema.String),
    created_at: Nullable(Schema.String),
    idle_expires_at: Nullable(Schema.String),
    expires_at: Nullable(Schema.String),
    client_id: Schema.optional(Schema.String),
    session_id: Nullable(Schema.String),
    rotating: Schema.optional(Schema.Boolean),
    device: Schema.optional(SessionDevice),
    resource_servers: Schema.optional(Schema.Array(ResourceServer)),
    last_exchanged_at: Nullable(Schema.String)
  },
  Extra
)

/**
 * `idle_expires_at`, `expires_at` and `session_id` come as `null` when the token has none (as recorded);
 * fields Auth0 adds later are kept in the decoded value.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { RefreshToken } from "effect-auth0"
 * const token = Schema.decodeUnknownSync(RefreshToken.RefreshToken)({
 *   id: "rt_1",
 *   user_id: "auth0|1",
 *   client_id: "abc",
 *   session_id: null,
 *   expires_at: null,
 *   rotating: false,
 *   resource_servers: [{ audience: "https://api.example.com/", scopes: "openid offline_access" }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const RefreshToken = named<RefreshToken>()(RefreshTokenStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface RefreshToken extends Schema.Schema.Type<typeof RefreshTokenStruct> {}
