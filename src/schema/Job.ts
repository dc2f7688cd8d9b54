/**
 * Auth0's jobs: user exports and imports, verification emails; and the
 * per-user errors of an import.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"

/** Auth0's counts of an import, in the order its summary has them. */
const counts = {
  failed: Schema.Number,
  updated: Schema.Number,
  inserted: Schema.Number,
  total: Schema.Number
}

const JobSummaryStruct = Schema.Struct(counts, Extra)

/**
 * What an import reports when it is done.
 *
 * @since 0.1.0
 * @category schemas
 */
export const JobSummary = named<JobSummary>()(JobSummaryStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface JobSummary extends Schema.Schema.Type<typeof JobSummaryStruct> {}

const JobStruct = Schema.Struct(
  {
    id: Schema.String,
    status: Schema.String,
    type: Schema.optional(Schema.String),
    created_at: Schema.optional(Schema.String),
    connection_id: Schema.optional(Schema.String),
    connection: Schema.optional(Schema.String),
    external_id: Schema.optional(Schema.String),
    format: Schema.optional(Schema.String),
    limit: Schema.optional(Schema.Number),
    location: Nullable(Schema.String),
    status_details: Nullable(Schema.String),
    percentage_done: Nullable(Schema.Number),
    time_left_seconds: Nullable(Schema.Number),
    summary: Schema.optional(JobSummary)
  },
  Extra
)

/**
 * A job as `GET /jobs/{id}` and the job-creating calls answer it. `status` is
 * `pending`, `processing`, `completed` or `failed`; the rest depends on the
 * job's `type` (`users_export`, `users_import`, `verification_email`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Job } from "effect-auth0"
 * const job = Schema.decodeUnknownSync(Job.Job)({ id: "job_LUdmtO6C0M42uqSz", type: "verification_email", status: "pending" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Job = named<Job>()(JobStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Job extends Schema.Schema.Type<typeof JobStruct> {}

const ImportErrorStruct = Schema.Struct({
  user: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  errors: Schema.Array(
    Schema.Struct({ code: Schema.String, message: Schema.String, path: Schema.optional(Schema.String) }, Extra)
  )
})

/**
 * One user an import rejected, with Auth0's reasons (`DUPLICATED_USER`, a
 * schema error and the path it names).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Job } from "effect-auth0"
 * Schema.decodeUnknownSync(Job.ImportError)({
 *   user: { email: "a@example.com" },
 *   errors: [{ code: "DUPLICATED_USER", message: "The user already exist and upsert parameter is false" }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ImportError = named<ImportError>()(ImportErrorStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface ImportError extends Schema.Schema.Type<typeof ImportErrorStruct> {}

const ImportedJobStruct = Schema.Struct({ id: Schema.String, users: Schema.Number, ...counts })

/**
 * One import job of a `Users.import`: its id, how many users its file held,
 * and Auth0's counts once it completed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ImportedJob = named<ImportedJob>()(ImportedJobStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface ImportedJob extends Schema.Schema.Type<typeof ImportedJobStruct> {}

const ImportSummaryStruct = Schema.Struct({
  ...counts,
  jobs: Schema.Array(ImportedJob),
  errors: Schema.Array(ImportError)
})

/**
 * What a `Users.import` did: Auth0's counts summed over its jobs, the jobs,
 * and every user Auth0 rejected with its reasons. A rejected user is named by
 * its `email`, `user_id`, `username` or `phone_number`, never with its
 * password hash or metadata.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Job } from "effect-auth0"
 * const summary = Schema.decodeUnknownSync(Job.ImportSummary)({
 *   inserted: 1, updated: 0, failed: 1, total: 2,
 *   jobs: [{ id: "job_6nNLiwFZksN0YmRR", users: 2, inserted: 1, updated: 0, failed: 1, total: 2 }],
 *   errors: [{ user: { email: "a@example.com" }, errors: [{ code: "DUPLICATED_USER", message: "The user already exist and upsert parameter is false" }] }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ImportSummary = named<ImportSummary>()(ImportSummaryStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface ImportSummary extends Schema.Schema.Type<typeof ImportSummaryStruct> {}
