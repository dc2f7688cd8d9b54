/**
 * A group a user belongs to.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"

const GroupStruct = Schema.Struct(
  {
    id: Schema.optional(Schema.String),
    name: Schema.optional(Schema.String),
    external_id: Nullable(Schema.String),
    connection_id: Nullable(Schema.String),
    tenant_name: Schema.optional(Schema.String),
    created_at: Schema.optional(Schema.String),
    updated_at: Schema.optional(Schema.String),
    membership_created_at: Schema.optional(Schema.String)
  },
  Extra
)

/**
 * A group of `GET /users/{id}/groups`. Every field is optional: `fields` projections drop the
 * others. Fields Auth0 adds later are kept.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Group } from "effect-auth0"
 * Schema.decodeUnknownSync(Group.Group)({ id: "grp_1", name: "engineering", membership_created_at: "2026-01-01T00:00:00.000Z" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Group = named<Group>()(GroupStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Group extends Schema.Schema.Type<typeof GroupStruct> {}
