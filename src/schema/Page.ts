/**
 * The `include_totals=true` envelopes of the list endpoints.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { named } from "../internal/schema.js"
import { LogEvent } from "./LogEvent.js"
import { Role } from "./Role.js"
import { User } from "./User.js"

/**
 * `start` is the offset of the first item, `limit` the page size, `length`
 * the items in this page. `total` is the number of matches when Auth0 sends
 * it (the recorded `/users` envelopes do not).
 */
const Totals = {
  start: Schema.Number,
  limit: Schema.Number,
  length: Schema.Number,
  total: Schema.optional(Schema.Number)
}

const UsersPageStruct = Schema.Struct({ ...Totals, users: Schema.Array(User) })

/**
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Page } from "effect-auth0"
 * Schema.decodeUnknownSync(Page.UsersPage)({ start: 0, limit: 50, length: 0, users: [] })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const UsersPage = named<UsersPage>()(UsersPageStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface UsersPage extends Schema.Schema.Type<typeof UsersPageStruct> {}

const LogsPageStruct = Schema.Struct({ ...Totals, logs: Schema.Array(LogEvent) })

/**
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Page } from "effect-auth0"
 * Schema.decodeUnknownSync(Page.LogsPage)({ start: 0, limit: 50, length: 0, total: 0, logs: [] })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const LogsPage = named<LogsPage>()(LogsPageStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface LogsPage extends Schema.Schema.Type<typeof LogsPageStruct> {}

/**
 * Auth0's roles envelope has no `length`; the decoded page has it anyway
 * (the number of roles in this page), so every page reads the same.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Page } from "effect-auth0"
 * Schema.decodeUnknownSync(Page.RolesPage)({ start: 0, limit: 50, total: 0, roles: [] })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const RolesPage = Schema.transform(
  Schema.Struct({
    start: Schema.Number,
    limit: Schema.Number,
    length: Schema.optional(Schema.Number),
    total: Schema.optional(Schema.Number),
    roles: Schema.Array(Role)
  }),
  Schema.typeSchema(Schema.Struct({ ...Totals, roles: Schema.Array(Role) })),
  { strict: true, decode: (page) => ({ ...page, length: page.length ?? page.roles.length }), encode: (page) => page }
)

/**
 * @since 0.1.0
 * @category models
 */
export interface RolesPage extends Schema.Schema.Type<typeof RolesPage> {}
