/**
 * Rate-limit pacing from Auth0's own headers. Every response (success or
 * 429) says how full the tenant's bucket is (`X-RateLimit-Remaining`, of
 * `-Limit`) and when it next refills (`-Reset`, epoch seconds). The pacer
 * keeps the latest reading, estimates the refill rate from successive
 * readings, and holds new requests while the bucket is estimated empty, so
 * they are sent when a token is there instead of into a 429.
 *
 * One pacer serves every fiber of an `Auth0Http` layer. Several processes
 * pacing from the same tenant's headers hold back together too: the
 * remaining count they read includes each other's requests, so each one's
 * rate estimate is what the others leave over.
 */
import type * as Headers from "@effect/platform/Headers"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { rateLimitHeaders } from "./errors.js"

interface Reading {
  readonly at: number
  readonly remaining: number
  /** How many readings the pacer had taken when this one came in. */
  readonly seq: number
}

/** Readings older than this no longer inform the rate. */
const WINDOW_MILLIS = 3_000
/** The rate is trusted once readings span this long. */
const MIN_SPAN_MILLIS = 250
/** Send a little under the estimated rate: the floor() in Remaining hides fractions of a token. */
const MARGIN = 0.97
const MIN_GAIN = 0.5
const MAX_GAIN = 1.5
const GAIN_STEP = 0.002
const GAIN_DECREASE = 0.8
const MIN_SHARE = 0.1
const SHARE_STEP = 0.02
/** Never wait longer than this on one reading; a new reading will come. */
const MAX_WAIT_MILLIS = 60_000

export interface Pacer {
  /** Wait until a token is likely there, then count the request as in flight. */
  readonly acquire: Effect.Effect<void>
  /** The answer came (or the request failed): read its headers, if any. */
  readonly release: (
    answer: { readonly status: number; readonly headers: Headers.Headers } | undefined
  ) => Effect.Effect<void>
}

export const make: Effect.Effect<Pacer> = Effect.gen(function* () {
  // Plain state: every change happens inside one synchronous step, so fibers cannot interleave inside it.
  let limit: number | undefined
  let remaining: number | undefined
  let resetAt = 0
  let readAt = 0
  let inFlight = 0
  let seq = 0
  let window: Array<Reading> = []
  let answered = false
  // The part of the bucket this pacer may spend. Other processes spend from the same bucket and
  // read the same headers; each 429 halves the share, each answer in between wins a little back.
  let share = 1
  // What the rate estimate is trusted at. With other processes spending from the bucket the estimate
  // tends to what this one already sends, so it probes a little above it and backs off on a 429
  // (additive increase, multiplicative decrease): the processes settle on the bucket's rate between them.
  let gain = 1
  // One fiber at a time decides and waits; the others queue behind it, so a refill is not met by a stampede.
  const gate = yield* Effect.makeSemaphore(1)

  /** Tokens added per millisecond, from readings taken while the bucket was not full. */
  const rate = (): number | undefined => {
    if (window.length < 3) return undefined
    const first = window[0]!
    const last = window[window.length - 1]!
    const span = last.at - first.at
    if (span < MIN_SPAN_MILLIS) return undefined
    const added = last.remaining - first.remaining + (last.seq - first.seq)
    return added > 0 ? (added / span) * MARGIN : undefined
  }

  /** Milliseconds to wait before sending, or 0 to send now. */
  const wait = (now: number): number => {
    // Nothing read yet: one request finds out how full the bucket is before the others follow.
    // An answer without the headers means this tenant or endpoint is not rate limited: nothing to pace.
    if (remaining === undefined || limit === undefined) return inFlight === 0 || answered ? 0 : 10
    const estimate = rate()
    const r = estimate === undefined ? undefined : estimate * gain
    const refilled = r === undefined ? 0 : r * (now - readAt)
    const estimated = Math.min(limit, remaining + refilled)
    // A full bucket always lends one token, however small the share, so a pacer never starves.
    let tokens = Math.max(estimated * share, estimated >= limit ? 1 : 0) - inFlight
    // Past the reset with no rate known: at least one token is back; send one and read the bucket again.
    if (r === undefined && now >= resetAt) tokens = Math.max(tokens, 1 - inFlight)
    if (tokens >= 1) return 0
    if (r === undefined && now >= resetAt) return 10
    const millis = r === undefined ? resetAt - now : (1 - tokens) / r
    return Math.min(Math.max(1, Math.ceil(millis)), MAX_WAIT_MILLIS)
  }

  const acquire = gate.withPermits(1)(
    Effect.gen(function* () {
      for (;;) {
        const now = yield* Clock.currentTimeMillis
        const millis = wait(now)
        if (millis === 0) break
        yield* Effect.sleep(millis)
      }
      inFlight++
    })
  )

  const release = (answer: { readonly status: number; readonly headers: Headers.Headers } | undefined) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      inFlight = Math.max(0, inFlight - 1)
      if (answer === undefined) return
      const { headers, status } = answer
      answered = true
      const figures = rateLimitHeaders(headers)
      share = status === 429 ? Math.max(MIN_SHARE, share / 2) : Math.min(1, share + SHARE_STEP)
      if (figures.remaining === undefined) return
      if (status === 429) gain = Math.max(MIN_GAIN, gain * GAIN_DECREASE)
      else if (figures.remaining < (figures.limit ?? Infinity)) gain = Math.min(MAX_GAIN, gain + GAIN_STEP)
      seq++
      limit = figures.limit ?? limit ?? figures.remaining
      remaining = figures.remaining
      resetAt = figures.reset !== undefined ? figures.reset * 1000 : now + 1000
      readAt = now
      if (remaining >= limit) {
        // A full bucket hides how fast it refills.
        window = []
        return
      }
      window.push({ at: now, remaining, seq })
      while (window.length > 0 && now - window[0]!.at > WINDOW_MILLIS) window.shift()
    })

  return { acquire, release }
})

/** A pacer that never holds anything back. */
export const none: Pacer = { acquire: Effect.void, release: () => Effect.void }
