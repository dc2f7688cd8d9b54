/**
 * A role directly assigned to a user.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable } from "../internal/schema.js"

/**
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Role } from "effect-auth0"
 * Schema.decodeUnknownSync(Role.Role)({ id: "rol_NHBmr6NkzbRcHob1", name: "admin", description: "Admins" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Role = Schema.Struct(
  {
    id: Schema.String,
    name: Schema.String,
    description: Nullable(Schema.String)
  },
  Extra
)

/**
 * @since 0.1.0
 * @category models
 */
export interface Role extends Schema.Schema.Type<typeof Role> {}
