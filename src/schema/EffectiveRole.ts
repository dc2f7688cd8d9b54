/**
 * A role a user has, assigned directly or through one of the user's groups.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"

const EffectiveRoleStruct = Schema.Struct(
  {
    id: Schema.String,
    name: Schema.String,
    description: Nullable(Schema.String),
    sources: Schema.optional(Schema.Array(Schema.String))
  },
  Extra
)

/**
 * A role of `GET /users/{id}/effective-roles`; `sources` says how the user has it (`"direct"`,
 * `"groups"`). Other fields Auth0 adds are kept.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { EffectiveRole } from "effect-auth0"
 * Schema.decodeUnknownSync(EffectiveRole.EffectiveRole)({
 *   id: "rol_NHBmr6NkzbRcHob1",
 *   name: "admin",
 *   description: "Admins",
 *   sources: ["direct", "groups"]
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const EffectiveRole = named<EffectiveRole>()(EffectiveRoleStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface EffectiveRole extends Schema.Schema.Type<typeof EffectiveRoleStruct> {}
