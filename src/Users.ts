/**
 * The user operations of the Management API. Each is an `Effect` that needs
 * `Auth0Http` and fails with exactly the errors its endpoint can produce.
 * Parameters and bodies use Auth0's wire names, so Auth0's docs apply as written.
 *
 * @since 0.1.0
 */
import * as ExportJob from "./internal/exportJob.js"

export type {
  CheckpointParams,
  CheckpointStreamParams,
  CreateBody,
  LinkBody,
  ListParams,
  LogsParams,
  PageParams,
  ProjectionParams,
  UpdateBody
} from "./users/models.js"
export * from "./users/lookup.js"
export * from "./users/metadata.js"
export * from "./users/operations.js"
export * from "./users/rbac.js"
export * from "./users/sessions.js"
export * from "./users/streams.js"
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
export const ExportedUser = ExportJob.ExportedUser

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
export interface ExportedUser extends ExportJob.ExportedUser {}
