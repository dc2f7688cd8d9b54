/**
 * Waiting for a job (an export, an import): `GET /jobs/{id}` after each wait
 * of a schedule until the job leaves `pending` / `processing`, bounded by a
 * total wait. What ends the wait other than the job (Auth0 forgot it, the
 * schedule or the time ran out) is the caller's own typed failure.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type * as Auth0Error from "../Auth0Error.js"
import type { Auth0Http } from "../Auth0Http.js"
import type { Job } from "../schema/Job.js"
import * as Endpoints from "./endpoints.js"

export interface WaitOptions {
  readonly pollSchedule?: Schedule.Schedule<unknown, unknown> | undefined
  readonly maxWait?: Duration.DurationInput | undefined
  readonly onProgress?: ((job: Job) => Effect.Effect<void>) | undefined
}

/** Exponential from 500 ms, capped at 10 s. */
export const defaultPollSchedule: Schedule.Schedule<unknown, unknown> = Schedule.exponential("500 millis").pipe(
  Schedule.union(Schedule.spaced("10 seconds"))
)

/** `/api/v2/jobs/{id}`, for errors. */
export const jobPath = (id: string) => Endpoints.apiPath(Endpoints.jobs.get.path, { id })

const running = (job: Job) => job.status === "pending" || job.status === "processing"

/**
 * The job once it is neither `pending` nor `processing`. Interruptible at
 * every wait and request. `failed(status, detail)` makes the failure for a
 * job that is gone (`not_found`), or still running when the schedule ends or
 * `maxWait` (default `defaultMaxWait`) runs out.
 */
export const awaitJob = <E>(
  http: Auth0Http.Service,
  created: Job,
  options: WaitOptions,
  defaultMaxWait: Duration.Duration,
  failed: (status: string, detail: string) => E
): Effect.Effect<Job, Auth0Error.Common | E> => {
  const jobId = created.id
  let last = created
  const fetch = http.request(Endpoints.jobs.get, { params: { id: jobId } }).pipe(
    Effect.catchTag("NotFound", (error) =>
      Effect.fail(
        failed("not_found", `the job is gone (Auth0 keeps jobs 24 hours): ${error.description ?? "Job not found."}`)
      )
    ),
    Effect.tap((job) => Effect.annotateCurrentSpan({ "auth0.job.status": job.status })),
    // The job's id stays out of the span, as every id does.
    Effect.withSpan(Endpoints.jobs.get.name)
  )
  const loop = Effect.gen(function* () {
    const driver = yield* Schedule.driver(options.pollSchedule ?? defaultPollSchedule)
    while (running(last)) {
      const next = yield* Effect.option(driver.next(undefined))
      if (Option.isNone(next))
        return yield* Effect.fail(failed(last.status, "the poll schedule ended before the job completed"))
      last = yield* fetch
      if (options.onProgress !== undefined) yield* options.onProgress(last)
    }
    return last
  })
  const maxWait = Duration.decode(options.maxWait ?? defaultMaxWait)
  return Effect.timeoutFail(loop, {
    duration: maxWait,
    onTimeout: () => failed(last.status, `not completed after ${Duration.format(maxWait)}`)
  })
}
