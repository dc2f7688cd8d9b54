/**
 * The user operations of the Management API. Each is an `Effect` that needs
 * `Auth0Http` and fails with exactly the errors its endpoint can produce.
 * Parameters and bodies use Auth0's wire names, so Auth0's docs apply as written.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import * as ExportFile from "./internal/exportFile.js"
import * as ExportJob from "./internal/exportJob.js"
import * as ImportJob from "./internal/importJob.js"
import type { ImportUser } from "./schema/ImportUser.js"

export type {
  /**
   * @since 0.1.0
   * @category models
   */
  CheckpointParams,
  /**
   * @since 0.1.0
   * @category models
   */
  CheckpointStreamParams,
  /**
   * @since 0.1.0
   * @category models
   */
  CreateBody,
  /**
   * @since 0.1.0
   * @category models
   */
  LinkBody,
  /**
   * @since 0.1.0
   * @category models
   */
  ListParams,
  /**
   * @since 0.1.0
   * @category models
   */
  LogsParams,
  /**
   * @since 0.1.0
   * @category models
   */
  PageParams,
  /**
   * @since 0.1.0
   * @category models
   */
  ProjectionParams,
  /**
   * @since 0.1.0
   * @category models
   */
  UpdateBody
} from "./users/models.js"
/**
 * Users by email, the organizations a user belongs to and the accounts it connected.
 *
 * @since 0.1.0
 */
export * from "./users/lookup.js"
/**
 * Typed metadata: the same operations, with `app_metadata` and `user_metadata` decoded by your schemas.
 *
 * @since 0.1.0
 */
export * from "./users/metadata.js"
/**
 * The user operations, one request each: list, create, get, update, delete, link, logs, roles, ….
 *
 * @since 0.1.0
 */
export * from "./users/operations.js"
/**
 * A user's roles and permissions, and what it has in effect through roles and groups.
 *
 * @since 0.1.0
 */
export * from "./users/rbac.js"
/**
 * A user's sessions and refresh tokens, and revoking access.
 *
 * @since 0.1.0
 */
export * from "./users/sessions.js"
/**
 * The user streams: every user matching a query, with resumable cursors; logs and roles.
 *
 * @since 0.1.0
 */
export * from "./users/streams.js"
/**
 * A user's authentication methods and MFA actions.
 *
 * @since 0.1.0
 */
export * from "./users/authMethods.js"

const export_ = ExportJob.export_

export {
  /**
   * Every user of the tenant, or of one connection, through Auth0's user
   * export job, as a `Stream` with constant memory: no 1000-result cap, one
   * request per poll instead of one per page. Creates the job
   * (`POST /jobs/users-exports`, always NDJSON), polls `GET /jobs/{id}` on
   * `pollSchedule` (default: from 500 ms, doubling, capped at 10 s) until it is
   * `completed`, then downloads its signed `location` without the bearer token
   * and decompresses and decodes it line by line as the bytes arrive. Under
   * the layer's retry policy, a failed poll or job creation is sent again, and
   * a download that breaks off or stalls is resumed from the last byte
   * received (`Range`), so each user still arrives once. Fails with
   * `ExportFailed` when Auth0 fails the job or it is not done within `maxWait`
   * (default 1 hour); with `DecodeError` (naming the line number, never its
   * content) when a line is not a JSON object. `onProgress` sees the job after
   * each poll, for a progress line. Interrupting it stops the
   * polling or the download.
   *
   * @example
   * ```ts
   * import { Effect, Stream } from "effect"
   * import { Users } from "effect-auth0"
   * const program = Users.export({
   *   connection_id: "con_ftSSLHb0O7rcUGmF",
   *   fields: ["user_id", "email", { name: "identities[0].connection", export_as: "connection" }]
   * }).pipe(
   *   Stream.filter((user) => user.email?.endsWith("@example.com") === true),
   *   Stream.runForEach((user) => Effect.log(user.user_id))
   * )
   * ```
   *
   * @since 0.1.0
   * @category streams
   */
  export_ as export
}

/**
 * The schema of one exported user: the common fields typed and optional,
 * everything else (paths, `export_as` names) kept as `unknown`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Users } from "effect-auth0"
 * const user = Schema.decodeUnknownSync(Users.ExportedUser)({ email: "a@example.com", "identities[0].connection": "github" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExportedUser = ExportFile.ExportedUser

/**
 * @example
 * ```ts
 * import type { Users } from "effect-auth0"
 * const options: Users.ExportOptions = { fields: ["email", { name: "user_metadata.plan", export_as: "plan" }], limit: 100 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ExportOptions = ExportJob.ExportOptions

/**
 * @example
 * ```ts
 * import type { Users } from "effect-auth0"
 * const field: Users.ExportField = { name: "identities[0].connection", export_as: "connection" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ExportField = ExportJob.ExportField

/**
 * @since 0.1.0
 * @category models
 */
export interface ExportedUser extends ExportFile.ExportedUser {}

const import_ = Effect.fn("Users.import")(function* <E = never, R = never>(
  users: Stream.Stream<ImportUser, E, R> | Iterable<ImportUser>,
  options: ImportJob.ImportOptions
) {
  return yield* ImportJob.run(users, options)
})

export {
  /**
   * The whole import, as one value: users from any `Stream` (or an array)
   * into a database connection through Auth0's bulk import jobs. They go in
   * files under Auth0's size limit (`maxFileBytes`, each user in exactly one
   * file), at most two jobs at once (a third job's 429 is waited out), each
   * polled to its end; the result sums Auth0's counts and lists every rejected
   * user with Auth0's reasons. Memory stays constant in the number of users
   * (the rejected ones aside).
   *
   * Creating a job is never sent twice after a 5xx, a timeout or a reset:
   * the job may exist, and its file would be imported again. That, a job
   * Auth0 fails or forgets, and a user too large for a file end the import
   * with `ImportFailed` naming the job and its file's users, after the jobs
   * already running have finished (`done`).
   *
   * @example
   * ```ts
   * import { Effect, Stream } from "effect"
   * import { Users } from "effect-auth0"
   * const users = Stream.range(1, 10_000).pipe(
   *   Stream.map((n) => ({ email: `user${n}@example.com`, email_verified: true }))
   * )
   * const program = Users.import(users, { connection_id: "con_ftSSLHb0O7rcUGmF", upsert: true }).pipe(
   *   Effect.tap((summary) => Effect.log(`${summary.inserted} new, ${summary.updated} updated, ${summary.failed} rejected in ${summary.jobs.length} jobs`))
   * )
   * ```
   *
   * @since 0.1.0
   * @category operations
   */
  import_ as import
}

/**
 * @example
 * ```ts
 * import type { Users } from "effect-auth0"
 * const options: Users.ImportOptions = { connection_id: "con_ftSSLHb0O7rcUGmF", upsert: true, send_completion_email: false }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ImportOptions = ImportJob.ImportOptions
