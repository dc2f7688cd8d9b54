/**
 * A linked identity inside a user, as `identities[]`, link and unlink return it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Metadata, named } from "../internal/schema.js"

const IdentityStruct = Schema.Struct(
  {
    connection: Schema.String,
    user_id: Schema.Union(Schema.String, Schema.Number),
    provider: Schema.String,
    isSocial: Schema.optional(Schema.Boolean),
    access_token: Schema.optional(Schema.Redacted(Schema.String)),
    access_token_secret: Schema.optional(Schema.Redacted(Schema.String)),
    refresh_token: Schema.optional(Schema.Redacted(Schema.String)),
    profileData: Schema.optional(Metadata)
  },
  Extra
)

/**
 * `user_id` is a string for most providers but some IdPs send a number, so
 * both decode. IdP tokens (present only with `read:user_idp_tokens`) decode
 * as `Redacted`, so logging a user never prints them.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Identity } from "effect-auth0"
 * Schema.decodeUnknownSync(Identity.Identity)({ connection: "github", provider: "github", user_id: 42 })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Identity = named<Identity>()(IdentityStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Identity extends Schema.Schema.Type<typeof IdentityStruct> {}
