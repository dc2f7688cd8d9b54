/**
 * `Users.export`: the whole tenant (or one connection) through Auth0's user
 * export job, as a `Stream` with constant memory.
 *
 * `POST /jobs/users-exports` creates the job; `GET /jobs/{id}` is polled on a
 * schedule until it is `completed`; its `location` (a signed URL to a gzip of
 * NDJSON, one user per line) is then downloaded without the bearer token,
 * decompressed as the bytes arrive, split into lines and decoded line by line
 * (`exportFile.ts`).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"
import { Auth0Http } from "../Auth0Http.js"
import * as Body from "./body.js"
import * as Endpoints from "./endpoints.js"
import { DEFAULT_MAX_LINE_LENGTH, decodeFile, type ExportedUser, type Refine } from "./exportFile.js"
import * as JobWait from "./jobWait.js"
import type { Job } from "../schema/Job.js"
import type { ExportBody } from "./endpoints/jobs.js"

/**
 * One field of the export: a root property (`email`, `app_metadata`) or a
 * path (`user_metadata.country`, `identities[0].connection`). In the file its
 * key is `export_as` when given, else `name` as written.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExportField {
  readonly name: string
  readonly export_as?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ExportOptions {
  /** `con_` + 16 characters: export only this connection's users. Default: every connection. */
  readonly connection_id?: string | undefined
  /** The fields of each user; a string is `{ name }`. Default: Auth0's predefined set. */
  readonly fields?: ReadonlyArray<string | ExportField> | undefined
  /** At most this many users (≥ 1). Default: all. */
  readonly limit?: number | undefined
  /**
   * The waits between polls of the job. When it ends before the job
   * completes, the export fails with `ExportFailed`. Default: exponential
   * from 500 ms, doubling, capped at 10 seconds.
   */
  readonly pollSchedule?: Schedule.Schedule<unknown, unknown> | undefined
  /** Fail with `ExportFailed` when the job has not completed after this long. Default 1 hour. */
  readonly maxWait?: Duration.DurationInput | undefined
  /**
   * The longest line (one user) of the export file, in characters; a longer
   * one fails the stream with `ResponseTooLarge` once that many characters
   * arrived without a newline, so memory stays bounded whatever the file
   * holds. Default 4 Mi (4,194,304): 4 times the 1 MB per user that Auth0's
   * search returns at most, and a write is capped at 1 MB; the metadata
   * objects (16 KB each) of a real user are far below it.
   */
  readonly maxLineLength?: number | undefined
  /**
   * Called with the job as created and after each poll (`status`,
   * `percentage_done`, `time_left_seconds`), to show a long export's progress.
   * It runs before the next wait; a slow one delays the polling, not the
   * download.
   */
  readonly onProgress?: ((job: Job) => Effect.Effect<void>) | undefined
}

const DEFAULT_MAX_WAIT = Duration.hours(1)

/** The `POST /jobs/users-exports` body, in the order Auth0's own SDKs send it; always NDJSON. */
export const requestBody = (options: ExportOptions): ExportBody => ({
  ...(options.connection_id !== undefined ? { connection_id: options.connection_id } : {}),
  format: "json" as const,
  ...(options.limit !== undefined ? { limit: options.limit } : {}),
  ...(options.fields !== undefined
    ? {
        fields: options.fields.map((field) =>
          typeof field === "string"
            ? { name: field }
            : field.export_as !== undefined
              ? { name: field.name, export_as: field.export_as }
              : { name: field.name }
        )
      }
    : {})
})

/** The job's `location` once it is `completed`; any other end is `ExportFailed`. */
const awaitLocation = (
  http: Auth0Http.Service,
  created: Job,
  options: ExportOptions
): Effect.Effect<string, Auth0Error.Common | Auth0Error.ExportFailed> => {
  const jobId = created.id
  const failed = (status: string, detail: string) =>
    new Auth0Error.ExportFailed({ method: "GET", path: JobWait.jobPath(jobId), jobId, status, detail })
  return JobWait.awaitJob(http, created, options, DEFAULT_MAX_WAIT, failed).pipe(
    Effect.flatMap((job): Effect.Effect<string, Auth0Error.DecodeError | Auth0Error.ExportFailed> => {
      switch (job.status) {
        case "completed":
          return job.location !== undefined && job.location !== null && isHttpUrl(job.location)
            ? Effect.succeed(job.location)
            : Effect.fail(
                new Auth0Error.DecodeError({
                  method: "GET",
                  path: JobWait.jobPath(jobId),
                  status: 200,
                  detail: "the job is completed but has no http(s) location"
                })
              )
        case "failed":
          return Effect.fail(failed("failed", job.status_details ?? "Auth0 failed the job without details"))
        default:
          return Effect.fail(failed(job.status, "the job ended in an unknown status"))
      }
    })
  )
}

const isHttpUrl = (s: string): boolean => {
  try {
    const url = new URL(s)
    return url.protocol === "https:" || url.protocol === "http:"
  } catch {
    return false
  }
}

/**
 * Create the export job, wait for it, then stream its file. See `Users.export`.
 */
export const export_ = (
  options: ExportOptions = {}
): Stream.Stream<ExportedUser, Auth0Error.Common | Auth0Error.ExportFailed, Auth0Http> => exportWith(options)

/**
 * `export_`, each decoded user passed through `refine` with its line number and the file's path (typed
 * metadata decodes after it, naming the line).
 */
export const exportWith = <A = ExportedUser>(
  options: ExportOptions = {},
  refine?: Refine<A>
): Stream.Stream<A, Auth0Error.Common | Auth0Error.ExportFailed, Auth0Http> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const http = yield* Auth0Http
      const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH
      const lineProblem = Body.limitProblem(maxLineLength)
      if (lineProblem !== undefined) {
        return yield* Effect.dieMessage(`Users.export: maxLineLength ${lineProblem.replace("bytes", "characters")}`)
      }
      const created = yield* http.request(Endpoints.jobs.exportUsers, { body: requestBody(options) })
      yield* Effect.annotateCurrentSpan({ "auth0.job.id": created.id })
      if (options.onProgress !== undefined) yield* options.onProgress(created)
      const location = yield* awaitLocation(http, created, options)
      return decodeFile(http.download(location), new URL(location).pathname, maxLineLength, refine)
    })
  ).pipe(Stream.withSpan("Users.export"))
