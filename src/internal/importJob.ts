/**
 * `Users.import`: users from a `Stream` (or an array) into Auth0 through its
 * bulk import jobs, with constant memory in the number of users.
 *
 * Users are written to JSON one at a time and gathered into files that stay
 * under the size limit (Auth0 refuses more than 512,000 bytes; its docs say
 * 500 KB), each user in exactly one file. Each file is one job: created
 * (`POST /jobs/users-imports`, multipart), polled to its end, and its rejected
 * users read (`GET /jobs/{id}/errors`). At most two jobs run at once, as Auth0
 * allows; the 429 Auth0 answers for a third (another process's jobs count
 * too) is waited out and the file sent again, since Auth0 did nothing with it.
 * Any other failure to create a job is never sent again: a job that was
 * created but whose answer was lost would import the file twice.
 */
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"
import { Auth0Http } from "../Auth0Http.js"
import type { ImportUser } from "../schema/ImportUser.js"
import type { ImportedJob, ImportError, ImportSummary, Job } from "../schema/Job.js"
import * as Endpoints from "./endpoints.js"
import type { ImportBody } from "./endpoints/jobs.js"
import * as JobWait from "./jobWait.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface ImportJobOptions {
  /** The database connection to import into, `con_…`. */
  readonly connection_id: string
  /** Update users that exist (by email or `user_id`) instead of rejecting them. Default false (Auth0's). */
  readonly upsert?: boolean | undefined
  /** Your own id for the job, echoed in its state. */
  readonly external_id?: string | undefined
  /** Mail the tenant's administrators when the job completes. Unset: Auth0's default (true). */
  readonly send_completion_email?: boolean | undefined
  /** The largest users file, in bytes. Default 500,000 (Auth0: "500KB"; it refuses more than 512,000). */
  readonly maxFileBytes?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ImportOptions extends ImportJobOptions, JobWait.WaitOptions {
  /** Jobs at once, 1 or 2 (Auth0 runs at most 2 per tenant). Default 2. */
  readonly concurrency?: 1 | 2 | undefined
}

/** Auth0: "The file size limit for a bulk import is 500KB." Its 413 names 512,000 bytes for the request. */
export const MAX_FILE_BYTES = 500_000
const HARD_LIMIT = 512_000
/** Auth0 marks an import job failed after 2 hours; a little more, so that its own verdict is seen. */
const DEFAULT_MAX_WAIT = Duration.minutes(125)
const CREATE_PATH = `/api/v2${Endpoints.jobs.importUsers.path}`

/** The message of Auth0's 429 for a third import job. */
const isJobLimit = (error: Auth0Error.Auth0Error): boolean =>
  error._tag === "RateLimited" && /active import users jobs/i.test(error.description ?? "")

/** Bytes of `s` in UTF-8, without encoding it. */
const utf8Bytes = (s: string): number => {
  let bytes = s.length
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i)
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1
  }
  return bytes
}

/** How a user is named in a summary or an error: never by its password hash or metadata. */
const nameOf = (user: Readonly<Record<string, unknown>>, index: number): string => {
  for (const key of ["email", "user_id", "username", "phone_number"]) {
    const value = user[key]
    if (typeof value === "string" && value !== "") return value
  }
  return `#${index + 1}`
}

/** A rejected user as the summary keeps it: the fields that name it, nothing else. */
const identify = (entry: ImportError): ImportError => {
  const user: Record<string, unknown> = {}
  for (const key of ["email", "user_id", "username", "phone_number"]) {
    if (typeof entry.user[key] === "string") user[key] = entry.user[key]
  }
  return { user, errors: entry.errors }
}

/** One users file: its JSON text and the names of its users. */
interface File_ {
  readonly _tag: "File"
  readonly text: string
  readonly users: ReadonlyArray<string>
}

/** A user that cannot go in any file; the files end before it. */
interface Unfit {
  readonly _tag: "Unfit"
  readonly status: "too_large" | "invalid"
  readonly name: string
  readonly detail: string
}

const checkLimit = (limit: number): number => {
  if (!Number.isSafeInteger(limit) || limit < 3 || limit > HARD_LIMIT)
    throw new RangeError(`maxFileBytes must be a whole number from 3 to ${HARD_LIMIT}, got ${limit}`)
  return limit
}

/** One user as JSON, with its size and name; or why it fits in no file. */
const encode = (
  user: ImportUser,
  index: number,
  limit: number
): Unfit | { readonly _tag: "Encoded"; readonly json: string; readonly bytes: number; readonly name: string } => {
  const name = nameOf(user as Readonly<Record<string, unknown>>, index)
  let json: string
  try {
    json = JSON.stringify(user)
  } catch {
    return { _tag: "Unfit", status: "invalid", name, detail: `user ${index + 1} cannot be written as JSON` }
  }
  const bytes = utf8Bytes(json)
  return bytes + 2 > limit
    ? {
        _tag: "Unfit",
        status: "too_large",
        name,
        detail: `user ${index + 1} is ${bytes} bytes as JSON; a file holds at most ${limit} (maxFileBytes)`
      }
    : { _tag: "Encoded", json, bytes, name }
}

/** The users gathered into files of at most `limit` bytes, in order; an `Unfit` user ends them. */
const files = <E, R>(users: Stream.Stream<ImportUser, E, R>, limit: number): Stream.Stream<File_ | Unfit, E, R> =>
  Stream.suspend(() => {
    let parts: Array<string> = []
    let names: Array<string> = []
    let bytes = 2
    let index = 0
    let ended = false
    const flush = (): File_ => {
      const file: File_ = { _tag: "File", text: `[${parts.join(",")}]`, users: names }
      parts = []
      names = []
      bytes = 2
      return file
    }
    const add = (user: ImportUser, out: Array<File_ | Unfit>): void => {
      const encoded = encode(user, index++, limit)
      if (encoded._tag === "Unfit") {
        // The users before it still go, in the file they were gathered in.
        if (parts.length > 0) out.push(flush())
        ended = true
        out.push(encoded)
        return
      }
      const more = parts.length === 0 ? encoded.bytes : encoded.bytes + 1
      if (bytes + more > limit) out.push(flush())
      bytes += parts.length === 0 ? encoded.bytes : encoded.bytes + 1
      parts.push(encoded.json)
      names.push(encoded.name)
    }
    const gathered = Stream.mapChunks(users, (chunk) => {
      const out: Array<File_ | Unfit> = []
      for (const user of chunk) {
        if (ended) break
        add(user, out)
      }
      return Chunk.unsafeFromArray(out)
    })
    return Stream.concat(
      Stream.takeUntil(gathered, (piece) => piece._tag === "Unfit"),
      Stream.suspend(() => (ended || parts.length === 0 ? Stream.empty : Stream.make(flush())))
    )
  })

/** The multipart form of one job, options as text in Auth0's part order, the users file last. */
export const form = (text: string, options: ImportJobOptions): ImportBody => ({
  connection_id: options.connection_id,
  ...(options.upsert !== undefined ? { upsert: options.upsert ? "true" : "false" } : {}),
  ...(options.external_id !== undefined ? { external_id: options.external_id } : {}),
  ...(options.send_completion_email !== undefined
    ? { send_completion_email: options.send_completion_email ? "true" : "false" }
    : {}),
  users: new File([text], "users.json", { type: "application/json" })
})

const emptySummary = (): { -readonly [K in keyof ImportSummary]: ImportSummary[K] } => ({
  inserted: 0,
  updated: 0,
  failed: 0,
  total: 0,
  jobs: [],
  errors: []
})

/** An `ImportFailed` without `done` and `sent`, which the run fills in when it stops. */
type Failure = Omit<ConstructorParameters<typeof Auth0Error.ImportFailed>[0], "done" | "sent">

const createFailure = (error: Auth0Error.Auth0Error, users: ReadonlyArray<string>): Failure => {
  const lost = error._tag === "ServerError" || error._tag === "TimeoutError" || error._tag === "TransportError"
  return {
    method: "POST",
    path: CREATE_PATH,
    status: lost ? "unknown" : "rejected",
    detail: lost
      ? `no answer to creating the job (${error.message}): it may or may not exist, so its file was not sent again`
      : error.message,
    reason: error._tag,
    users
  }
}

const unfit = (item: Unfit): Failure => ({
  method: "POST",
  path: CREATE_PATH,
  status: item.status,
  detail: item.detail,
  users: [item.name]
})

const unfitFailure = (item: Unfit, done: ImportSummary, sent: number) =>
  new Auth0Error.ImportFailed({ ...unfit(item), done, sent })

/**
 * One file as one job: created (a third job's 429 waited out), polled to its end, its rejected users read.
 * `creating` lets one job be created at a time, so that jobs are created in the order of their files (a
 * user and its later duplicate are then imported in that order) while two jobs run at once.
 */
const runJob = (
  http: Auth0Http.Service,
  file: File_,
  options: ImportOptions,
  creating: Effect.Semaphore
): Effect.Effect<{ readonly job: ImportedJob; readonly errors: ReadonlyArray<ImportError> }, Failure> =>
  Effect.gen(function* () {
    const body = form(file.text, options)
    const maxWait = Duration.decode(options.maxWait ?? DEFAULT_MAX_WAIT)
    const created: Job = yield* http.request(Endpoints.jobs.importUsers, { body }).pipe(
      Effect.retry({
        while: isJobLimit,
        schedule: (options.pollSchedule ?? JobWait.defaultPollSchedule).pipe(Schedule.upTo(maxWait))
      }),
      Effect.mapError((error) => createFailure(error, file.users)),
      creating.withPermits(1)
    )
    const jobId = created.id
    const failed = (status: string, detail: string, reason?: string): Failure => ({
      method: "GET",
      path: JobWait.jobPath(jobId),
      jobId,
      status,
      detail,
      ...(reason !== undefined ? { reason } : {}),
      users: file.users
    })
    const unreadable = (error: Auth0Error.Auth0Error) =>
      failed("unknown", `reading the job failed: ${error.message}`, error._tag)
    const done = yield* JobWait.awaitJob(http, created, options, maxWait, (status, detail) =>
      failed(status, detail)
    ).pipe(Effect.mapError((error) => ("users" in error ? error : unreadable(error))))
    if (done.status === "failed")
      return yield* Effect.fail(failed("failed", done.status_details ?? "Auth0 failed the job without details"))
    if (done.status !== "completed")
      return yield* Effect.fail(failed(done.status, "the job ended in an unknown status"))
    const summary = done.summary
    if (summary === undefined) return yield* Effect.fail(failed("completed", "the job completed without a summary"))
    const rejected =
      summary.failed > 0
        ? yield* http.request(Endpoints.jobs.errors, { params: { id: jobId } }).pipe(Effect.mapError(unreadable))
        : undefined
    return {
      job: { id: jobId, users: file.users.length, ...pick(summary) },
      errors: (rejected ?? []).map(identify)
    }
  })

const pick = (s: {
  readonly inserted: number
  readonly updated: number
  readonly failed: number
  readonly total: number
}) => ({
  inserted: s.inserted,
  updated: s.updated,
  failed: s.failed,
  total: s.total
})

const isStream = <E, R>(
  u: Stream.Stream<ImportUser, E, R> | Iterable<ImportUser>
): u is Stream.Stream<ImportUser, E, R> => Predicate.hasProperty(u, Stream.StreamTypeId)

/** `Users.import`: every file to its end, one summary; the first failure stops new jobs, the running ones finish. */
export const run = <E, R>(
  users: Stream.Stream<ImportUser, E, R> | Iterable<ImportUser>,
  options: ImportOptions
): Effect.Effect<ImportSummary, E | Auth0Error.ImportFailed, R | Auth0Http> =>
  Effect.gen(function* () {
    const http = yield* Auth0Http
    const limit = checkLimit(options.maxFileBytes ?? MAX_FILE_BYTES)
    const concurrency = options.concurrency ?? 2
    const creating = yield* Effect.makeSemaphore(1)
    const source: Stream.Stream<ImportUser, E, R> = isStream<E, R>(users) ? users : Stream.fromIterable(users)
    if (Array.isArray(users)) {
      // An array is all there already: a user that fits in no file fails the import before anything is sent.
      for (let index = 0; index < users.length; index++) {
        const encoded = encode(users[index] as ImportUser, index, limit)
        if (encoded._tag === "Unfit") return yield* unfitFailure(encoded, emptySummary(), 0)
      }
    }
    const summary = emptySummary()
    const errors: Array<ImportError> = []
    const jobs: Array<ImportedJob> = []
    let sent = 0
    let failure: Failure | undefined
    let upstream: { readonly error: E } | undefined
    type Done = { readonly job: ImportedJob; readonly errors: ReadonlyArray<ImportError> } | undefined
    // A failure stops new jobs at once; the results are summed in file order, as the stream hands them on.
    const step = (piece: Either.Either<File_ | Unfit, E>): Effect.Effect<Done> => {
      if (Either.isLeft(piece)) {
        upstream = { error: piece.left }
        return Effect.succeed(undefined)
      }
      const item = piece.right
      if (item._tag === "Unfit") {
        failure ??= unfit(item)
        return Effect.succeed(undefined)
      }
      if (failure !== undefined) return Effect.succeed(undefined)
      return Effect.matchEffect(runJob(http, item, options, creating), {
        onFailure: (error) =>
          Effect.sync(() => {
            if (error.status !== "rejected") sent += item.users.length
            failure ??= error
            return undefined
          }),
        onSuccess: (result) =>
          Effect.sync(() => {
            sent += item.users.length
            return result
          })
      })
    }
    const add = (result: Done) => {
      if (result === undefined) return
      const { errors: rejected, job } = result
      summary.inserted += job.inserted
      summary.updated += job.updated
      summary.failed += job.failed
      summary.total += job.total
      jobs.push(job)
      for (const entry of rejected) errors.push(entry)
    }
    yield* Stream.either(files(source, limit)).pipe(
      Stream.takeWhile(() => failure === undefined),
      Stream.mapEffect(step, { concurrency }),
      Stream.runForEach((result) => Effect.sync(() => add(result)))
    )
    const done: ImportSummary = { ...summary, jobs, errors }
    if (failure !== undefined) return yield* new Auth0Error.ImportFailed({ ...failure, done, sent })
    if (upstream !== undefined) return yield* Effect.fail(upstream.error)
    return done
  })

/** `Jobs.importUsers`: one file from an array, one job, as Auth0 answered it. */
export const createJob = (
  users: ReadonlyArray<ImportUser>,
  options: ImportJobOptions
): Effect.Effect<Job, Auth0Error.Common | Auth0Error.ImportFailed, Auth0Http> =>
  Effect.gen(function* () {
    const http = yield* Auth0Http
    const limit = checkLimit(options.maxFileBytes ?? MAX_FILE_BYTES)
    const parts: Array<string> = []
    const names: Array<string> = []
    let bytes = 1
    for (let index = 0; index < users.length; index++) {
      const encoded = encode(users[index]!, index, limit)
      if (encoded._tag === "Unfit") return yield* unfitFailure(encoded, emptySummary(), 0)
      parts.push(encoded.json)
      names.push(encoded.name)
      bytes += encoded.bytes + 1
    }
    if (Math.max(bytes, 2) > limit) {
      return yield* new Auth0Error.ImportFailed({
        method: "POST",
        path: CREATE_PATH,
        status: "too_large",
        detail: `the users are ${bytes} bytes as JSON, more than a file holds (${limit}): Users.import splits them into files`,
        users: names,
        done: emptySummary(),
        sent: 0
      })
    }
    return yield* http.request(Endpoints.jobs.importUsers, { body: form(`[${parts.join(",")}]`, options) })
  })
