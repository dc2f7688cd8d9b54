/**
 * The brute-force blocks on a user's identifiers (`/user-blocks`). They are not the
 * `blocked` flag of the user, which only `Users.update` changes.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, named } from "../internal/schema.js"

const BlockedForStruct = Schema.Struct(
  {
    identifier: Schema.optional(Schema.String),
    ip: Schema.optional(Schema.String),
    connection: Schema.optional(Schema.String)
  },
  Extra
)

/**
 * One block: logins with `identifier` (an email, username or phone number) from `ip` on `connection`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { UserBlock } from "effect-auth0"
 * const block = Schema.decodeUnknownSync(UserBlock.BlockedFor)({
 *   identifier: "chuck@example.com",
 *   ip: "10.0.0.1",
 *   connection: "Username-Password-Authentication"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const BlockedFor = named<BlockedFor>()(BlockedForStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface BlockedFor extends Schema.Schema.Type<typeof BlockedForStruct> {}

const UserBlockStruct = Schema.Struct({ blocked_for: Schema.Array(BlockedFor) }, Extra)

/**
 * The answer of `GET /user-blocks/{id}` and `GET /user-blocks?identifier=`; `blocked_for` is empty
 * when nothing is blocked.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { UserBlock } from "effect-auth0"
 * const blocks = Schema.decodeUnknownSync(UserBlock.UserBlock)({ blocked_for: [] })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const UserBlock = named<UserBlock>()(UserBlockStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface UserBlock extends Schema.Schema.Type<typeof UserBlockStruct> {}
