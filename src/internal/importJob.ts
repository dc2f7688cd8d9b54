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
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"
import { Auth0Http } from "../Auth0Http.js"
import * as Endpoint from "../Endpoint.js"
import type { ImportUser } from "../schema/ImportUser.js"
import type { ImportedJob, ImportError, ImportSummary, Job } from "../schema/Job.js"
import * as Endpoints from "./endpoints.js"
import type { ImportBody } from "./endpoints/jobs.js"
import { encode, FILE, Gatherer, identifying, nameOf, type Unfit, type UsersFile } from "./importFiles.js"
import * as JobWait from "./jobWait.js"
import * as Multipart from "./multipart.js"

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
  /**
   * The largest users file, in bytes, 3 to 512,000. Default 500,000 (Auth0: "500KB"). A file is also kept
   * small enough that the whole request, the form's other parts with it, is at most 512,000 bytes: Auth0
   * refuses a larger one (413).
   */
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
const CREATE_PATH = Endpoints.apiPath(Endpoints.jobs.importUsers.path)

/** The message of Auth0's 429 for a third import job. */
const isJobLimit = (error: Auth0Error.Auth0Error): boolean =>
  error._tag === "RateLimited" && /active import users jobs/i.test(error.description ?? "")

/** The multipart form of one job, options as text in Auth0's part order, the users file last. */
const form = (content: Endpoint.FilePart, options: ImportJobOptions): ImportBody => ({
  connection_id: options.connection_id,
  ...(options.upsert !== undefined ? { upsert: options.upsert ? "true" : "false" } : {}),
  ...(options.external_id !== undefined ? { external_id: options.external_id } : {}),
  ...(options.send_completion_email !== undefined
    ? { send_completion_email: options.send_completion_email ? "true" : "false" }
    : {}),
  users: content
})

/**
 * The files of an import: each leaves room around it for the rest of its job's multipart body, and holds at
 * most `maxFileBytes`, fewer if the whole body would be over the 512,000 bytes Auth0 takes (its 413).
 */
const gatherer = (options: ImportJobOptions): Gatherer => {
  const wanted = options.maxFileBytes ?? MAX_FILE_BYTES
  if (!Number.isSafeInteger(wanted) || wanted < 3 || wanted > HARD_LIMIT)
    throw new RangeError(`maxFileBytes must be a whole number from 3 to ${HARD_LIMIT}, got ${wanted}`)
  const room = Multipart.roomFor(form(Endpoint.file(new Uint8Array(0), FILE), options))
  const limit = Math.min(wanted, HARD_LIMIT - room.head - room.tail)
  if (limit < 3)
    throw new RangeError(
      `the import's options take ${room.head + room.tail} bytes of the ${HARD_LIMIT} a request holds`
    )
  return new Gatherer(limit, room)
}

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
  file: UsersFile,
  options: ImportOptions,
  creating: Effect.Semaphore
): Effect.Effect<{ readonly job: ImportedJob; readonly errors: ReadonlyArray<ImportError> }, Failure> =>
  Effect.gen(function* () {
    const maxWait = Duration.decode(options.maxWait ?? DEFAULT_MAX_WAIT)
    const created: Job = yield* Effect.suspend(() =>
      http.request(Endpoints.jobs.importUsers, { body: form(file.content!, options) })
    ).pipe(
      Effect.retry({
        while: isJobLimit,
        schedule: (options.pollSchedule ?? JobWait.defaultPollSchedule).pipe(Schedule.upTo(maxWait))
      }),
      Effect.mapError((error) => createFailure(error, file.users)),
      Effect.ensuring(Effect.sync(file.release)),
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
      errors: (rejected ?? []).map((entry) => ({ user: identifying(entry.user), errors: entry.errors }))
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

/**
 * `Users.import`: every file to its end, one summary; the first failure stops new jobs, the running ones
 * finish. A job slot is taken first and the next file made then: users are pulled a chunk at a time and
 * written into files at once, so that neither a chunk of users nor a file waits for a slot (what waits
 * gets promoted to V8's old space, which only a full GC frees).
 */
export const run = <E, R>(
  users: Stream.Stream<ImportUser, E, R> | Iterable<ImportUser>,
  options: ImportOptions
): Effect.Effect<ImportSummary, E | Auth0Error.ImportFailed, R | Auth0Http> =>
  Effect.scoped(
    Effect.gen(function* () {
      const http = yield* Auth0Http
      const files = gatherer(options)
      const slots = yield* Effect.makeSemaphore(options.concurrency ?? 2)
      const creating = yield* Effect.makeSemaphore(1)
      const source: Stream.Stream<ImportUser, E, R> = isStream<E, R>(users) ? users : Stream.fromIterable(users)
      if (Array.isArray(users)) {
        // An array is all there already: a user that fits in no file fails the import before anything is sent.
        for (let index = 0; index < users.length; index++) {
          const encoded = encode(users[index] as ImportUser, index, files.limit)
          if (encoded._tag === "Unfit") return yield* unfitFailure(encoded, emptySummary(), 0)
        }
      }
      const pull = yield* Stream.toPull(source)
      const ready: Array<UsersFile> = []
      let ended = false
      let sent = 0
      /** A job that failed: no job is started after it. */
      let failure: Failure | undefined
      /** A user that fits in no file: the users before it are imported, none after. */
      let tooLarge: Failure | undefined
      let upstream: { readonly error: E } | undefined
      const end = () => {
        ended = true
        const last = files.flush()
        if (last !== undefined) ready.push(last)
      }
      const take = (user: ImportUser) => {
        const out = files.add(user)
        if (out === undefined) return
        if (out._tag === "File") return void ready.push(out)
        // The users before it still go, in the files they were gathered in.
        tooLarge = unfit(out)
        end()
      }
      // The next file, pulling users until one is full or they end.
      const nextFile: Effect.Effect<UsersFile | undefined, never, R> = Effect.suspend(() => {
        const file = ready.shift()
        if (file !== undefined || ended) return Effect.succeed(file)
        return Effect.flatMap(Effect.either(pull), (pulled) => {
          if (Either.isRight(pulled)) {
            for (const user of pulled.right) {
              if (ended) break
              take(user)
            }
          } else {
            if (pulled.left._tag === "Some") upstream = { error: pulled.left.value }
            end()
          }
          return nextFile
        })
      })
      type Done = { readonly job: ImportedJob; readonly errors: ReadonlyArray<ImportError> }
      const jobs: Array<Fiber.Fiber<Done | undefined>> = []
      for (;;) {
        // A slot first, then the file: a file made only when it can go is not kept waiting (and promoted).
        yield* slots.take(1)
        const file = failure === undefined ? yield* nextFile : undefined
        if (file === undefined) {
          yield* slots.release(1)
          break
        }
        const job = runJob(http, file, options, creating).pipe(
          Effect.matchEffect({
            onFailure: (error) =>
              Effect.sync(() => {
                if (error.status !== "rejected") sent += file.users.length
                failure ??= error
                return undefined
              }),
            onSuccess: (done) =>
              Effect.sync(() => {
                sent += file.users.length
                return done
              })
          }),
          Effect.ensuring(slots.release(1))
        )
        jobs.push(yield* Effect.forkScoped(job))
      }
      // Summed in file order, whatever order the jobs ended in.
      const summary = emptySummary()
      const errors: Array<ImportError> = []
      const imported: Array<ImportedJob> = []
      for (const fiber of jobs) {
        const done = yield* Fiber.join(fiber)
        if (done === undefined) continue
        summary.inserted += done.job.inserted
        summary.updated += done.job.updated
        summary.failed += done.job.failed
        summary.total += done.job.total
        imported.push(done.job)
        for (const entry of done.errors) errors.push(entry)
      }
      const result: ImportSummary = { ...summary, jobs: imported, errors }
      const first = failure ?? tooLarge
      if (first !== undefined) return yield* new Auth0Error.ImportFailed({ ...first, done: result, sent })
      if (upstream !== undefined) return yield* Effect.fail(upstream.error)
      return result
    })
  )

/** `Jobs.importUsers`: one file from an array, one job, as Auth0 answered it. */
export const createJob = (
  users: ReadonlyArray<ImportUser>,
  options: ImportJobOptions
): Effect.Effect<Job, Auth0Error.Common | Auth0Error.ImportFailed, Auth0Http> =>
  Effect.gen(function* () {
    const http = yield* Auth0Http
    const files = gatherer(options)
    for (const user of users) {
      const out = files.add(user)
      if (out?._tag === "Unfit") return yield* unfitFailure(out, emptySummary(), 0)
      if (out !== undefined) {
        return yield* new Auth0Error.ImportFailed({
          method: "POST",
          path: CREATE_PATH,
          status: "too_large",
          detail: `the users are more than a file holds (${files.limit} bytes as JSON): Users.import splits them into files`,
          users: users.map((user, index) => nameOf(user as Readonly<Record<string, unknown>>, index)),
          done: emptySummary(),
          sent: 0
        })
      }
    }
    const file = files.flush()
    const content = file?.content ?? Endpoint.file(new TextEncoder().encode("[]"), FILE)
    return yield* http.request(Endpoints.jobs.importUsers, { body: form(content, options) })
  })
