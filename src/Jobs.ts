/**
 * Auth0's jobs, one request each: a job's state and errors, a users export
 * job (`Users.export` streams one to the end), a users import job
 * (`Users.import` runs as many as it takes), and a verification email.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { Auth0Http } from "./Auth0Http.js"
import * as Declared from "./internal/endpoints/jobs.js"
import * as ExportJob from "./internal/exportJob.js"
import * as ImportJob from "./internal/importJob.js"
import type { ImportUser } from "./schema/ImportUser.js"

/**
 * A job's state (`GET /jobs/{id}`): `status`, and for an import its
 * `summary`, for an export its `location` once `completed`. `NotFound` once
 * Auth0 has forgotten it (after 24 hours).
 *
 * @example
 * ```ts
 * import { Jobs } from "effect-auth0"
 * const program = Jobs.get("job_LUdmtO6C0M42uqSz")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const get = Effect.fn(Declared.get.name)(function* (id: string) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.get, { params: { id } })
})

/**
 * The users an import job rejected, each with Auth0's reasons
 * (`GET /jobs/{id}/errors`); `[]` when there were none (Auth0 answers 204).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Jobs } from "effect-auth0"
 * const codes = Jobs.errors("job_0ZwKO1A6kcKs6VTm").pipe(
 *   Effect.map((rejected) => rejected.flatMap((entry) => entry.errors.map((error) => error.code)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const errors = Effect.fn(Declared.errors.name)(function* (id: string) {
  const http = yield* Auth0Http
  const rejected = yield* http.request(Declared.errors, { params: { id } })
  return rejected ?? []
})

/**
 * Create a users export job (`POST /jobs/users-exports`, NDJSON) and return
 * it as Auth0 answered, `pending`, without waiting for it: poll it with
 * `get`, or use `Users.export` to stream its users.
 *
 * @example
 * ```ts
 * import { Jobs } from "effect-auth0"
 * const program = Jobs.exportUsers({ connection_id: "con_ftSSLHb0O7rcUGmF", fields: ["user_id", "email"] })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const exportUsers = Effect.fn(Declared.exportUsers.name)(function* (
  options: Omit<ExportJob.ExportOptions, "pollSchedule" | "maxWait" | "maxLineLength" | "onProgress"> = {}
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.exportUsers, { body: ExportJob.requestBody(options) })
})

/**
 * Create one users import job (`POST /jobs/users-imports`, 202) from an
 * array of users, sent as one `users.json` file, and return it `pending`,
 * without waiting: poll it with `get`, read its rejected users with `errors`,
 * or let `Users.import` do all of it for any number of users. Users that do
 * not fit in one file (`maxFileBytes`) fail with `ImportFailed` before
 * anything is sent. Not retried after a 5xx or a lost answer: the job may
 * exist, and would import the file twice.
 *
 * @example
 * ```ts
 * import { Jobs } from "effect-auth0"
 * const program = Jobs.importUsers([{ email: "auzironian@example.com", email_verified: true }], {
 *   connection_id: "con_ftSSLHb0O7rcUGmF",
 *   upsert: true
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const importUsers = Effect.fn(Declared.importUsers.name)(function* (
  users: ReadonlyArray<ImportUser>,
  options: ImportJob.ImportJobOptions
) {
  return yield* ImportJob.createJob(users, options)
})

/**
 * @example
 * ```ts
 * import type { Jobs } from "effect-auth0"
 * const options: Jobs.ImportJobOptions = { connection_id: "con_ftSSLHb0O7rcUGmF", external_id: "migration-7" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ImportJobOptions = ImportJob.ImportJobOptions

/**
 * Send the user an email to verify their address
 * (`POST /jobs/verification-email`, 201): a job that Auth0 runs on its own.
 * Not retried after a 5xx or a lost answer: sent twice, it mails twice.
 *
 * @example
 * ```ts
 * import { Jobs } from "effect-auth0"
 * const program = Jobs.sendVerificationEmail({
 *   user_id: "auth0|643eeec175f861f25ed0a0b0",
 *   identity: { user_id: "643eeec175f861f25ed0a0b0", provider: "auth0" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const sendVerificationEmail = Effect.fn(Declared.sendVerificationEmail.name)(function* (
  body: Declared.VerificationEmailBody
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.sendVerificationEmail, { body })
})

/**
 * @since 0.1.0
 * @category models
 */
export type VerificationEmailBody = Declared.VerificationEmailBody
