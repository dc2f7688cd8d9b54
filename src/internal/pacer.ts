/**
 * Rate-limit pacing from Auth0's own headers. Every response (success or
 * 429) says how full the tenant's bucket is (`X-RateLimit-Remaining`, of
 * `-Limit`) and when it next refills (`-Reset`, epoch seconds).
 *
 * The pacer sends at a rate of its own and steers that rate by the bucket's
 * level: above a target level the bucket would fill up and waste its refill,
 * so the rate grows; below it the bucket is heading for a 429, so the rate
 * shrinks (an integral controller, with a proportional term for damping).
 * The level is the same for every process that spends from the bucket, so
 * several processes pacing this way settle together on the bucket's refill
 * rate without knowing about each other: when one of them stops, the level
 * rises and the others take over its part.
 *
 * No reading holds a request for longer than `maxWait`. Auth0's buckets refill
 * within a second or so, so a reset far ahead (a year; a proxy's stale header)
 * is wrong, and a bucket that reads empty for longer than `maxWait` is read
 * again: the request at the head of the queue goes out as a probe, and its
 * answer is the new reading. One probe per `maxWait`, not the whole queue.
 * The reset is an instant of the tenant's clock, counted from the answer's
 * `Date` (see `headerTime.ts`), so a client clock off the server's neither
 * stalls nor floods.
 *
 * One pacer serves every fiber of an `Auth0Http` layer for one rate-limit
 * bucket (see `perBucket`): each answer's headers describe the bucket that
 * served it, so one estimate across buckets would be overwritten by whichever
 * answered last, and one queue would hold a read behind a write waiting for
 * its own bucket.
 */
import type * as Headers from "@effect/platform/Headers"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { rateLimitHeaders } from "./errors.js"
import * as Events from "./events.js"
import { serverNow } from "./headerTime.js"

interface Reading {
  readonly at: number
  readonly remaining: number
  /** How many of this pacer's requests the bucket had served when this answer came in. */
  readonly served: number
}

/** The first rate estimate is trusted once readings span this long... */
const MIN_SPAN_MILLIS = 250
/** ...or once they show this many tokens added. */
const MIN_ADDED = 5
/** Tokens of steered level per e-fold of the send rate (see `steerTo`). */
const FAIRNESS = 1
/** Proportional gain: the send rate is scaled by 1 + KP × (level − target) / limit. */
const KP = 1.4
/** Integral gain for shrinking, per bucket time (limit / the peak rate): how fast the rate follows the level. */
const KI = 1
/** Additive growth, in the bucket's size per second, per second: the same for every process on the bucket. */
const KI_ADD = 4
/** The rate is capped at twice what was really sent over this long. */
const RECENT_MILLIS = 250
/** A 429 means the bucket ran dry: back off at once. */
const DECREASE_ON_429 = 0.8
/** Before the refill rate is known, one request per this many milliseconds reads the bucket again. */
const PROBE_MILLIS = 20
/** While the bucket reads full, the rate doubles this often (at most once per reading). */
const FULL_DOUBLING_MILLIS = 100
/** The first rate when the readings show no refill left over for this pacer (others spend it all). */
const FIRST_RATE = 1 / 1_000
/** The longest the head of the queue sleeps before it looks at the readings again. */
const RECHECK_MILLIS = 50
/** Two readings further apart than this say nothing of the refill between them. */
const PAIR_MILLIS = 1_000
/** From the first estimate until the bucket first reads at or below its target, the rate doubles this often. */
const START_DOUBLING_MILLIS = 100

export interface Pacer {
  /** Wait until a token is likely there, then count the request as in flight. */
  readonly acquire: Effect.Effect<void>
  /** The answer came (or the request failed): read its headers, if any. */
  readonly release: (
    answer: { readonly status: number; readonly headers: Headers.Headers } | undefined
  ) => Effect.Effect<void>
}

const clamp = (min: number, max: number, x: number) => Math.min(max, Math.max(min, x))

/**
 * A request held for its bucket says so, as the `auth0.pacer.wait` event of the operation's span and a
 * debug log, with the bucket's name and the milliseconds waited: a slow call then shows whether it
 * waited for the rate limit or for Auth0. Only the bucket and the time: no path, id or header. Nothing
 * is reported when no wait happened, so calls that go straight through pay nothing for it.
 */
const reportWait = (bucket: string, millis: number): Effect.Effect<void> =>
  Events.report("auth0.pacer.wait", "effect-auth0: waited for the rate limit", {
    "auth0.rate_limit.bucket": bucket,
    "auth0.pacer.wait_ms": millis
  })

export interface Options {
  /** The longest the request at the head of the queue is held, and the longest a reading is trusted. */
  readonly maxWait: Duration.Duration
}

/**
 * A pacer per bucket, each made when its bucket is first used: a request waits only for its own
 * bucket's estimate and queue.
 */
export const perBucket = (options: Options): Effect.Effect<(bucket: string) => Pacer> =>
  Effect.sync(() => {
    const pacers = new Map<string, Pacer>()
    return (bucket) => {
      let pacer = pacers.get(bucket)
      if (pacer === undefined) {
        pacer = unsafeMake(options, bucket)
        pacers.set(bucket, pacer)
      }
      return pacer
    }
  })

const unsafeMake = (options: Options, bucket: string): Pacer => {
  const maxWait = Duration.toMillis(options.maxWait)
  // Plain state: every change happens inside one synchronous step, so fibers cannot interleave inside it.
  let limit: number | undefined
  let remaining: number | undefined
  /** When the bucket next refills, on our clock; and when it was last read. */
  let resetAt = 0
  let readAt = 0
  let inFlight = 0
  let served = 0
  let answered = false
  /** The last reading, and the refill summed over pairs of readings the bucket was not full between. */
  let previous: Reading | undefined
  let refilled = 0
  let refillSpan = 0
  /** Tokens per millisecond this pacer spends; undefined until the bucket has been read. */
  let rate: number | undefined
  /** The highest rate this pacer has sent at: the scale of how fast the bucket can change. */
  let peak = 0
  /** When the requests of the last `RECENT_MILLIS` were sent. */
  const sends: Array<number> = []
  let credit = 0
  let creditAt = 0
  let steeredAt = 0
  /** Whether a request waited on the rate since the last reading: only then may the rate grow. */
  let held = false
  /**
   * Whether the rate is still the first estimate's. A process that joins a bucket others already spend
   * sees their spending as no refill left, and starts far below its share: until the bucket first reads
   * at or below its target, its rate doubles, so it reaches its share within a second, not several.
   */
  let starting = false
  /** The level at or below which starting ends. */
  let startUntil = 0
  /** Fibers in `acquire`, waiting or deciding. */
  let waiting = 0
  // One fiber at a time decides and waits; the others queue behind it, so a refill is not met by a stampede.
  const gate = Effect.unsafeMakeSemaphore(1)

  /** The level the pacer steers the bucket to: low enough to absorb a refill, high enough to avoid 429s. */
  const target = (l: number) => Math.floor((l - 1) / 2)

  /**
   * The level this pacer steers to: a little higher the faster it sends. Pacers sharing a bucket all see
   * one level, so they can only agree on it by sending at the same rate: the faster ones yield, the
   * slower ones take more.
   */
  const steerTo = (size: number, r: number) =>
    clamp(1, size - 2, target(size) + FAIRNESS * Math.log((r * 1_000) / size))

  /** Net refill per millisecond seen by this pacer: what the bucket gained plus what this pacer spent. */
  const firstRate = (): number | undefined => {
    // Enough refill seen to count it (Remaining is rounded down), or long enough to say it is slow.
    if (refillSpan <= 0 || (refillSpan < MIN_SPAN_MILLIS && refilled < MIN_ADDED)) return undefined
    return Math.max(FIRST_RATE, refilled / refillSpan)
  }

  /**
   * The highest rate allowed: twice what was really sent over the last `RECENT_MILLIS` (a bucket per
   * second at least), so that a rate nothing uses does not pile up into a burst later.
   */
  const ceiling = (now: number, size: number): number => {
    while (sends.length > 0 && now - sends[0]! > RECENT_MILLIS) sends.shift()
    return Math.max((2 * sends.length) / RECENT_MILLIS, size / 1_000)
  }

  /** Milliseconds to wait before sending, or 0 to send now. */
  const wait = (now: number): number => {
    // Nothing read yet: one request finds out how full the bucket is before the others follow.
    // An answer without the headers means this tenant or endpoint is not rate limited: nothing to pace.
    if (remaining === undefined || limit === undefined) return inFlight === 0 || answered ? 0 : 10
    // Tokens known to be there beyond the target level: spend them now, one answer at a time, so that
    // each sees what other processes took meanwhile.
    if (inFlight === 0 && remaining > target(limit)) return 0
    if (rate === undefined) {
      // No rate yet. Beyond the target, the answer in flight is awaited (and the surplus spent) first.
      if (remaining > target(limit)) return 1
      const known = remaining - inFlight
      // A lone request (one caller at a time) is never held while a token is known to be there.
      if (known >= 1 && inFlight === 0 && waiting === 1) return 0
      // Else the known tokens are spread over the span the first estimate needs; none left: await the reset.
      if (known >= 1) return Math.max(0, creditAt + Math.max(PROBE_MILLIS, Math.ceil(MIN_SPAN_MILLIS / known)) - now)
      // An empty reading is trusted until the reset or for maxWait, whichever comes first; then one request
      // (not every queued one) reads the bucket again.
      const until = Math.min(resetAt, readAt + maxWait)
      if (now >= until) return inFlight === 0 ? 0 : 10
      return Math.max(1, until - now)
    }
    // While starting, the rate grows between readings too: at one request a second they are far apart.
    const current = starting
      ? Math.min(rate * Math.pow(2, (now - steeredAt) / START_DOUBLING_MILLIS), ceiling(now, limit))
      : rate
    const effective = current * clamp(0.3, 2, 1 + (KP * (remaining - steerTo(limit, current))) / limit)
    credit = Math.min(1, credit + effective * (now - creditAt))
    creditAt = now
    if (credit >= 1) return 0
    held = true
    return Math.max(1, Math.ceil((1 - credit) / effective))
  }

  const paced = Effect.acquireUseRelease(
    Effect.sync(() => waiting++),
    () =>
      gate.withPermits(1)(
        Effect.gen(function* () {
          // The head of the queue waits at most maxWait, whatever the readings say (or while none comes).
          const since = yield* Clock.currentTimeMillis
          for (;;) {
            const now = yield* Clock.currentTimeMillis
            const millis = wait(now)
            if (millis === 0) break
            const left = since + maxWait - now
            if (left <= 0) break
            // Looked at again every RECHECK_MILLIS: an answer that came meanwhile is a new reading.
            yield* Effect.sleep(Math.min(millis, left, RECHECK_MILLIS))
          }
          const now = yield* Clock.currentTimeMillis
          if (now > since) yield* reportWait(bucket, now - since)
          if (credit >= 1) credit -= 1
          sends.push(now)
          if (rate === undefined) creditAt = now
          inFlight++
        })
      ),
    () => Effect.sync(() => waiting--)
  )

  // A tenant or endpoint whose answers carry no rate-limit headers has nothing to pace: skip the gate.
  const acquire = Effect.suspend(() =>
    answered && remaining === undefined
      ? Effect.sync(() => {
          inFlight++
        })
      : paced
  )

  /** Move the rate towards what keeps the bucket at its target level. */
  const steer = (now: number, status: number, level: number, size: number) => {
    if (rate === undefined) return
    const dt = Math.min(now - steeredAt, 1_000)
    steeredAt = now
    // How fast the bucket can change: the time the fastest rate seen takes to spend a whole bucket.
    peak = Math.max(peak, rate)
    const error = (level - steerTo(size, rate)) / size
    // Growing is only right when the rate is what holds requests back; an idle pacer keeps its rate.
    // Growth adds and shrinking multiplies, so pacers that share a bucket drift towards equal parts.
    if (error > 0 && held) rate += (KI_ADD * error * dt * size) / 1_000_000
    else if (error < 0) rate *= Math.exp((KI * error * dt * peak) / size)
    // A full bucket throws its refill away (another process stopped, or this one started low): double
    // the rate every few readings until it is not full. Not scaled by the rate: a pacer left alone at a
    // small part of the bucket has to take all of it quickly.
    if (level >= size - 1 && held) rate *= Math.min(2, Math.pow(2, dt / FULL_DOUBLING_MILLIS))
    // Not capped per reading: at a first rate of one a second the readings are a second apart, and the
    // cap on what was really sent (below) bounds the step.
    else if (starting && level > startUntil && held) rate *= Math.pow(2, dt / START_DOUBLING_MILLIS)
    if (level <= startUntil || status === 429) starting = false
    if (status === 429) rate *= DECREASE_ON_429
    // Never far above what is really sent: a rate that nothing uses must not pile up into a burst later.
    // Twice the rate of the last quarter second lets a pacer that is taking over double four times a second.
    rate = Math.min(rate, ceiling(now, size))
    // At least one bucket a minute, so that a pacer always comes back.
    rate = Math.max(rate, size / 60_000)
    held = false
  }

  const release = (answer: { readonly status: number; readonly headers: Headers.Headers } | undefined) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      inFlight = Math.max(0, inFlight - 1)
      if (answer === undefined) return
      const { headers, status } = answer
      answered = true
      const figures = rateLimitHeaders(headers)
      if (figures.remaining === undefined) return
      const size = figures.limit ?? limit ?? figures.remaining
      limit = size
      remaining = figures.remaining
      // Counted from the server's clock as it answered, so that our clock's skew does not count.
      resetAt = figures.reset !== undefined ? now + (figures.reset * 1000 - serverNow(headers, now)) : now + 1000
      readAt = now
      // A 429 took no token.
      if (status !== 429) served++
      steer(now, status, remaining, size)
      if (rate !== undefined) return
      const reading = { at: now, remaining, served }
      // A full bucket hides how much it refilled since the previous reading: that pair does not count. Nor
      // does a pair far apart: the bucket may have filled up and been spent by others in between (a first
      // request long before the work starts would make a joiner's first estimate "no refill at all").
      // From an empty reading (a probe after maxWait) it is all there is, and it can only show a gain.
      const far = now - (previous?.at ?? now) > PAIR_MILLIS && previous?.remaining !== 0
      if (previous !== undefined && remaining < size - 1 && !far) {
        refilled += remaining - previous.remaining + (served - previous.served)
        refillSpan += now - previous.at
      }
      previous = reading
      const first = firstRate()
      if (first !== undefined) {
        rate = first
        // At the floor the others' spending hides the refill: double until the bucket shows it, at a quarter.
        startUntil = first <= FIRST_RATE && remaining >= 1 ? Math.floor(target(size) / 2) : steerTo(size, first)
        starting = remaining > startUntil
        steeredAt = now
        creditAt = now
      }
    })

  return { acquire, release }
}

/** A pacer that never holds anything back. */
export const none: Pacer = { acquire: Effect.void, release: () => Effect.void }
