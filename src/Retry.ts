/**
 * The retry policy of `Auth0Http`, as values you can also use yourself.
 *
 * A 429 is always retried: Auth0 rejected the request, so sending it again is
 * safe. The wait is what Auth0 asked for (`Retry-After`, else until
 * `X-RateLimit-Reset`, both read on the server's clock), else exponential
 * backoff with jitter. 5xx, 408, timeouts and transport failures are retried
 * only for GET, PUT and DELETE (see {@link Auth0Error.isRetryable}). Every
 * wait is capped at `maxDelay` and the number of retries bounded; both are
 * interruptible like any `Effect.sleep`.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as Auth0Error from "./Auth0Error.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Retries after the first attempt. Default 3. */
  readonly times?: number | undefined
  /** First backoff step when Auth0 gave no delay. Default 500 millis. */
  readonly base?: Duration.DurationInput | undefined
  /**
   * No single wait is longer than this, whatever Auth0 asks: a 429 whose
   * `Retry-After` or `X-RateLimit-Reset` is further ahead (a year) is retried
   * after `maxDelay`. Default 60 seconds.
   */
  readonly maxDelay?: Duration.DurationInput | undefined
}

/**
 * What `Effect.retry` takes: which failures to retry, and when.
 *
 * @since 0.1.0
 * @category models
 */
export interface Policy {
  readonly while: (error: Auth0Error.Auth0Error) => boolean
  readonly schedule: Schedule.Schedule<number, Auth0Error.Auth0Error>
}

/**
 * The delay before retry number `attempt` (0-based) after `error`.
 */
const delayFor = (
  error: Auth0Error.Auth0Error,
  attempt: number,
  base: Duration.Duration,
  maxDelay: Duration.Duration
): Effect.Effect<Duration.Duration> =>
  Effect.map(Random.next, (r) => {
    if (error._tag === "RateLimited" && error.retryAfter !== undefined) {
      // Spread the fibers that all wait for the same reset by up to 10% so
      // they do not all arrive in the same millisecond.
      return Duration.min(Duration.times(error.retryAfter, 1 + r * 0.1), maxDelay)
    }
    const backoff = Duration.times(base, 2 ** attempt * (0.8 + r * 0.4))
    return Duration.min(backoff, maxDelay)
  })

/**
 * A schedule whose input is the failure: it waits as Auth0 asked on a 429,
 * backs off exponentially with jitter otherwise, caps every wait at
 * `maxDelay` and stops after `times` retries. Its output is the retry count.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Auth0Error, Retry, Users } from "effect-auth0"
 * const program = Users.get("auth0|1").pipe(
 *   Effect.retry({ while: Auth0Error.isRetryable, schedule: Retry.schedule({ times: 5 }) })
 * )
 * ```
 *
 * @since 0.1.0
 * @category schedules
 */
export const schedule = (options: Options = {}): Schedule.Schedule<number, Auth0Error.Auth0Error> => {
  const base = Duration.decode(options.base ?? "500 millis")
  const maxDelay = Duration.decode(options.maxDelay ?? "60 seconds")
  return Schedule.recurs(options.times ?? 3).pipe(
    Schedule.intersect(Schedule.identity<Auth0Error.Auth0Error>()),
    Schedule.addDelayEffect(([attempt, error]) => delayFor(error, attempt, base, maxDelay)),
    Schedule.map(([attempt]) => attempt)
  )
}

/**
 * The policy `Auth0Http` applies by default; pass another to the layer's
 * `retry` option, or `false` to send every request once.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Retry, Users } from "effect-auth0"
 * const program = Users.list({ q: "email_verified:false" }).pipe(Effect.retry(Retry.policy({ times: 8 })))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const policy = (options: Options = {}): Policy => ({
  while: Auth0Error.isRetryable,
  schedule: schedule(options)
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const defaultPolicy: Policy = policy()
