/**
 * A permission (a scope of an API) assigned to a user, directly, through a role, or as one of the
 * user's effective permissions.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"

const PermissionSourceStruct = Schema.Struct(
  {
    source_id: Schema.optional(Schema.String),
    source_name: Schema.optional(Schema.String),
    source_type: Schema.optional(Schema.String)
  },
  Extra
)

/**
 * Where a listed permission comes from, as `GET /users/{id}/permissions` writes it: Auth0 recorded
 * `{ source_id: "", source_name: "", source_type: "DIRECT" }` for a direct assignment; a role's id
 * and name come with a permission a role gives.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Permission } from "effect-auth0"
 * Schema.decodeUnknownSync(Permission.PermissionSource)({ source_id: "", source_name: "", source_type: "DIRECT" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const PermissionSource = named<PermissionSource>()(PermissionSourceStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface PermissionSource extends Schema.Schema.Type<typeof PermissionSourceStruct> {}

const PermissionStruct = Schema.Struct(
  {
    resource_server_identifier: Schema.String,
    permission_name: Schema.String,
    resource_server_name: Nullable(Schema.String),
    description: Nullable(Schema.String),
    sources: Schema.optional(Schema.Array(PermissionSource))
  },
  Extra
)

/**
 * A permission of `GET /users/{id}/permissions`. `sources` is not in Auth0's reference but was
 * in the recorded answer; other fields Auth0 adds are kept.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Permission } from "effect-auth0"
 * Schema.decodeUnknownSync(Permission.Permission)({
 *   resource_server_identifier: "https://api.example.com/",
 *   permission_name: "create:resource",
 *   resource_server_name: "Example API",
 *   description: "Create Resource"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Permission = named<Permission>()(PermissionStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Permission extends Schema.Schema.Type<typeof PermissionStruct> {}

const EffectivePermissionStruct = Schema.Struct(
  {
    resource_server_identifier: Schema.String,
    permission_name: Schema.String,
    resource_server_name: Nullable(Schema.String),
    description: Nullable(Schema.String),
    sources: Schema.optional(Schema.Array(Schema.Union(Schema.String, PermissionSource)))
  },
  Extra
)

/**
 * A permission of `GET /users/{id}/effective-permissions`: the user's whether assigned directly or
 * through a role (one assigned to the user or to one of the user's groups). Auth0's reference gives
 * `sources` as names (`"direct"`, `"roles"`); the sibling `/permissions` was recorded writing
 * objects there, so either form decodes.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Permission } from "effect-auth0"
 * Schema.decodeUnknownSync(Permission.EffectivePermission)({
 *   resource_server_identifier: "https://api.example.com/",
 *   permission_name: "read:things",
 *   sources: ["direct", "roles"]
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const EffectivePermission = named<EffectivePermission>()(EffectivePermissionStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface EffectivePermission extends Schema.Schema.Type<typeof EffectivePermissionStruct> {}
