/**
 * A role directly assigned to a user.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"

const RoleStruct = Schema.Struct(
  {
    id: Schema.String,
    name: Schema.String,
    description: Nullable(Schema.String)
  },
  Extra
)

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
export const Role = named<Role>()(RoleStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Role extends Schema.Schema.Type<typeof RoleStruct> {}
