/**
 * No wait past its bound: a reset far ahead, a client clock off the server's, and `Retry-After`
 * values outside RFC 9110's grammar neither stall nor flood.
 */
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import { Auth0Error, Auth0Http, Users } from "../src/index.js"
import { rateLimitHeaders, retryAfter } from "../src/internal/errors.js"
import { fakeHttp, json } from "./utils.js"

const DOMAIN = "tenant.eu.auth0.com"
/** A realistic epoch, on a whole second, for the TestClock: the Date header counts in whole seconds. */
const START = Date.parse("2026-12-01T10:00:00Z")
const YEAR_SECONDS = 365 * 24 * 3600
const TEN_MINUTES = 10 * 60 * 1000

interface Call {
  /** Local (TestClock) millis when the request arrived. */
  readonly at: number
  readonly status: number
}

type Answer = (serverNow: number, n: number) => { readonly status: number; readonly headers: Record<string, string> }

/**
 * A server whose clock runs `skewMillis` ahead of ours (behind when negative), and whose answers carry
 * a `Date` header of its own clock unless `date` is false.
 */
const server = (answer: Answer, options: { readonly skewMillis?: number; readonly date?: boolean } = {}) => {
  const calls: Array<Call> = []
  const layer = fakeHttp(() =>
    Effect.map(Clock.currentTimeMillis, (local) => {
      const serverNow = local + (options.skewMillis ?? 0)
      const { headers, status } = answer(serverNow, calls.length + 1)
      calls.push({ at: local, status })
      const date = options.date === false ? {} : { date: new Date(serverNow).toUTCString() }
      const body =
        status === 429
          ? { statusCode: 429, error: "Too Many Requests", message: "Global limit has been reached" }
          : { user_id: "auth0|1" }
      return json(body, status, { ...date, ...headers })
    })
  )
  return { calls, layer }
}

/**
 * A bucket of one token that refills `refillMillis` (of the server's clock) after it was taken: the next
 * request before then is answered 429. `X-RateLimit-Reset` is the refill, in epoch seconds rounded up.
 */
const oneTokenBucket =
  (refillMillis = 2_000): Answer =>
  (now) => {
    const ok = now >= availableAt.value
    if (ok) availableAt.value = now + refillMillis
    return {
      status: ok ? 200 : 429,
      headers: {
        "x-ratelimit-limit": "1",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.ceil(availableAt.value / 1000))
      }
    }
  }
const availableAt = { value: -Infinity }

const auth0 = (
  http: Layer.Layer<HttpClient.HttpClient>,
  options: Partial<Auth0Http.CommonOptions> = {}
): Layer.Layer<Auth0Http.Auth0Http> =>
  // A valid domain cannot fail the layer.
  Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("static-token"), ...options }).pipe(
    Layer.provide(http),
    Layer.orDie
  )

/** `count` concurrent `Users.get`s in the background, from START on the TestClock. */
const gets = (layer: Layer.Layer<Auth0Http.Auth0Http>, count: number) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(START)
    return yield* Effect.fork(
      Effect.forEach(
        Array.from({ length: count }, (_, i) => `auth0|${i}`),
        (id) => Users.get(id),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(layer))
    )
  })

/** The fiber's value: it must have ended (a join on a stalled fiber would hang the test instead of failing it). */
const done = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) =>
  Effect.flatMap(Fiber.poll(fiber), (exit) => {
    assert.isTrue(Option.isSome(exit), "still waiting")
    return Fiber.join(fiber)
  })

const sentBy = (calls: ReadonlyArray<Call>, millis: number) => calls.filter((c) => c.at - START <= millis).length

describe("the pacer reads X-RateLimit-Reset on the server's clock (the answer's Date)", () => {
  it.effect(
    "client clock 10 minutes behind the server's: the next request goes at the real reset, not 10 minutes later",
    () =>
      Effect.gen(function* () {
        availableAt.value = -Infinity
        const s = server(oneTokenBucket(), { skewMillis: TEN_MINUTES })
        const fiber = yield* gets(auth0(s.layer), 2)
        yield* TestClock.adjust("1900 millis")
        assert.strictEqual(s.calls.length, 1, "held until the reset")
        yield* TestClock.adjust("200 millis")
        assert.strictEqual(s.calls.length, 2, "sent at the reset (2 s on the server's clock)")
        yield* done(fiber)
        assert.deepStrictEqual(
          s.calls.map((c) => c.status),
          [200, 200]
        )
      })
  )

  it.effect(
    "client clock 10 minutes ahead of the server's: the reset has not passed, no request is sent into a 429",
    () =>
      Effect.gen(function* () {
        availableAt.value = -Infinity
        const s = server(oneTokenBucket(), { skewMillis: -TEN_MINUTES })
        const fiber = yield* gets(auth0(s.layer), 3)
        yield* TestClock.adjust("1900 millis")
        assert.strictEqual(s.calls.length, 1, "held until the reset, although our clock is past it")
        yield* TestClock.adjust("4200 millis")
        yield* done(fiber)
        assert.deepStrictEqual(
          s.calls.map((c) => c.status),
          [200, 200, 200],
          "one request per refill, none answered 429"
        )
      })
  )

  it.effect("without a Date header the local clock is all there is, but the wait is still bounded", () =>
    Effect.gen(function* () {
      availableAt.value = -Infinity
      const s = server(oneTokenBucket(), { skewMillis: TEN_MINUTES, date: false })
      const fiber = yield* gets(auth0(s.layer, { maxPacingWait: "5 seconds" }), 2)
      yield* TestClock.adjust("4900 millis")
      assert.strictEqual(s.calls.length, 1, "the reset reads 10 minutes ahead: held")
      yield* TestClock.adjust("200 millis")
      assert.strictEqual(s.calls.length, 2, "sent at maxPacingWait")
      yield* done(fiber)
    })
  )
})

/**
 * Answers `lies` times with an empty bucket whose reset is a year ahead (200s, as a broken proxy or a
 * far-off clock would send), then honestly: 10 tokens left, refilled within the second.
 */
const yearAhead =
  (lies: number): Answer =>
  (now, n) => ({
    status: 200,
    headers: {
      "x-ratelimit-limit": "10",
      "x-ratelimit-remaining": n <= lies ? "0" : "10",
      "x-ratelimit-reset": String(n <= lies ? Math.floor(now / 1000) + YEAR_SECONDS : Math.ceil(now / 1000) + 1)
    }
  })

describe("a reset a year ahead", () => {
  it.effect("holds later requests for at most maxPacingWait (10 s by default), then probes with one request", () =>
    Effect.gen(function* () {
      const s = server(yearAhead(1))
      const fiber = yield* gets(auth0(s.layer), 5)
      yield* TestClock.adjust("9900 millis")
      assert.strictEqual(s.calls.length, 1, "the empty reading is trusted up to the bound")
      yield* TestClock.adjust("200 millis")
      assert.strictEqual((yield* done(fiber)).length, 5, "the probe read an honest bucket: the rest follow at once")
      assert.strictEqual(sentBy(s.calls, 9_900), 1)
    })
  )

  it.effect("a bucket that keeps reading empty is probed one request at a time, never stalled", () =>
    Effect.gen(function* () {
      const s = server(yearAhead(3))
      const fiber = yield* gets(auth0(s.layer), 5)
      yield* TestClock.adjust("10100 millis")
      assert.strictEqual(s.calls.length, 2, "one probe at the bound, not every queued request")
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* done(fiber)).length, 5, "within two bounds")
      // Two empty readings give the pacer its slowest first rate: then one request at a time, spaced out,
      // while the bucket reads empty (the answers to calls 1 to 3)...
      const gaps = s.calls.slice(1).map((c, i) => c.at - s.calls[i]!.at)
      for (const gap of gaps.slice(0, 3)) assert.isAtLeast(gap, 1_000, `gaps: ${gaps.join(", ")}`)
      // ...and the last one as soon as an answer reads the bucket full again, not a second later.
      assert.isAtMost(gaps[3]!, 100, `gaps: ${gaps.join(", ")}`)
    })
  )

  it.effect("a probe that hangs does not hold the queue past the bound either", () =>
    Effect.gen(function* () {
      const answer = yearAhead(1)
      const calls: Array<number> = []
      const layer = fakeHttp(() =>
        Effect.gen(function* () {
          calls.push(yield* Clock.currentTimeMillis)
          // The probe (the second request) is answered only after 5 s, within the 30 s timeout.
          if (calls.length === 2) yield* Effect.sleep("5 seconds")
          const { headers, status } = answer(yield* Clock.currentTimeMillis, calls.length)
          return json({ user_id: "auth0|1" }, status, headers)
        })
      )
      const fiber = yield* gets(auth0(layer, { maxPacingWait: "1 second" }), 3)
      yield* TestClock.adjust("1900 millis")
      assert.strictEqual(calls.length, 2, "the probe, at 1 s")
      yield* TestClock.adjust("200 millis")
      assert.strictEqual(calls.length, 3, "the next head goes at its own bound, not when the probe answers (6 s)")
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual((yield* done(fiber)).length, 3)
    })
  )

  it.effect("maxPacingWait sets the bound", () =>
    Effect.gen(function* () {
      const s = server(yearAhead(1))
      const fiber = yield* gets(auth0(s.layer, { maxPacingWait: "2 seconds" }), 3)
      yield* TestClock.adjust("1900 millis")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("200 millis")
      assert.strictEqual((yield* done(fiber)).length, 3)
    })
  )

  it.effect("a 429 whose reset is a year ahead is retried after maxDelay under the default policy", () =>
    Effect.gen(function* () {
      const s = server((now, n) => ({
        status: n === 1 ? 429 : 200,
        headers: {
          "x-ratelimit-limit": "10",
          "x-ratelimit-remaining": n === 1 ? "0" : "9",
          "x-ratelimit-reset": String(Math.floor(now / 1000) + (n === 1 ? YEAR_SECONDS : 1))
        }
      }))
      const fiber = yield* gets(auth0(s.layer), 1)
      yield* TestClock.adjust("59 seconds")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual(s.calls.length, 2, "retried at maxDelay (60 s), and not held in the pacer after it")
      assert.strictEqual((yield* done(fiber))[0]!.user_id, "auth0|1")
    })
  )

  it.effect("an endless 429 with a reset a year ahead ends in RateLimited with the figures, after the retries", () =>
    Effect.gen(function* () {
      const s = server((now) => ({
        status: 429,
        headers: {
          "x-ratelimit-limit": "10",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(Math.floor(now / 1000) + YEAR_SECONDS)
        }
      }))
      const fiber = yield* gets(auth0(s.layer), 1)
      yield* TestClock.adjust("190 seconds")
      const exit = yield* Fiber.poll(fiber)
      assert.isTrue(Option.isSome(exit), "3 retries at most 60 s apart, each sent at once by the pacer")
      const error = yield* done(fiber).pipe(Effect.flip)
      assert.instanceOf(error, Auth0Error.RateLimited)
      if (error._tag !== "RateLimited") return
      assert.strictEqual(s.calls.length, 4)
      assert.strictEqual(error.limit, 10)
      assert.strictEqual(error.remaining, 0)
      assert.strictEqual(error.reset, Math.floor(s.calls[3]!.at / 1000) + YEAR_SECONDS)
      assert.isAtMost(Duration.toMillis(error.retryAfter!), 24 * 3600 * 1000, "a bounded retryAfter")
    })
  )
})

describe("Retry-After: delay-seconds (1*DIGIT) or an HTTP-date, nothing else", () => {
  const DAY = 24 * 3600 * 1000
  const at = (millis: number) => new Date(millis).toUTCString()
  const read = (headers: Record<string, string>, now = START) => {
    const d = retryAfter(Headers.fromInput(headers), now)
    return d === undefined ? undefined : Duration.toMillis(d)
  }

  it("delay-seconds", () => {
    assert.strictEqual(read({ "retry-after": "5" }), 5_000)
    assert.strictEqual(read({ "retry-after": "0" }), 0)
    assert.strictEqual(read({ "retry-after": "99999999999" }), DAY, "huge: bounded to a day")
    assert.strictEqual(read({ "retry-after": "9".repeat(400) }), DAY, "beyond a double: still a day")
  })

  it("the X-RateLimit figures are decimal integers; anything else is no figure", () => {
    const figures = (value: string) =>
      rateLimitHeaders(
        Headers.fromInput({ "x-ratelimit-limit": value, "x-ratelimit-remaining": value, "x-ratelimit-reset": value })
      )
    assert.deepStrictEqual(figures("10"), { limit: 10, remaining: 10, reset: 10 })
    for (const value of ["0x10", "-1", "1e3", "1.5", "ten", "", "9".repeat(400)]) {
      assert.deepStrictEqual(figures(value), { limit: undefined, remaining: undefined, reset: undefined }, value)
    }
  })

  it("anything outside the grammar is ignored: negative, hex, exponent, fraction, garbage", () => {
    for (const value of ["-5", "0x10", "1e3", "1.5", "+5", "soon", "Infinity", "5 s", "", " "]) {
      assert.strictEqual(read({ "retry-after": value }), undefined, JSON.stringify(value))
    }
    // Ignored, it leaves X-RateLimit-Reset to say how long.
    assert.strictEqual(read({ "retry-after": "0x10", "x-ratelimit-reset": String(START / 1000 + 3) }), 3_000)
  })

  it("an HTTP-date in the past is no wait; in the future, the wait until it, at most a day", () => {
    assert.strictEqual(read({ "retry-after": at(START - 60_000) }), 0)
    assert.strictEqual(read({ "retry-after": at(START + 4_000) }), 4_000)
    assert.strictEqual(read({ "retry-after": at(START + YEAR_SECONDS * 1000) }), DAY)
    // The two obsolete forms RFC 9110 still asks recipients to accept, both GMT.
    assert.strictEqual(read({ "retry-after": "Tuesday, 01-Dec-26 10:00:07 GMT" }), 7_000)
    assert.strictEqual(read({ "retry-after": "Tue Dec  1 10:00:09 2026" }), 9_000)
    for (const value of ["Tue, 01 Dec 2026 10:00:07", "Tue, 31 Feb 2026 10:00:07 GMT", "2026-12-01T10:00:07Z"]) {
      assert.strictEqual(read({ "retry-after": value }), undefined, value)
    }
  })

  it("an HTTP-date or X-RateLimit-Reset is read against the answer's Date, whichever way our clock is off", () => {
    const server = START + TEN_MINUTES
    const date = at(server)
    for (const local of [START, START + 2 * TEN_MINUTES]) {
      assert.strictEqual(read({ date, "retry-after": at(server + 5_000) }, local), 5_000)
      assert.strictEqual(read({ date, "retry-after": at(server - 5_000) }, local), 0)
      assert.strictEqual(read({ date, "x-ratelimit-reset": String(server / 1000 + 3) }, local), 3_000)
      assert.strictEqual(read({ date, "x-ratelimit-reset": String(server / 1000 + YEAR_SECONDS) }, local), DAY)
    }
    // A clock that agrees with Date to its one-second resolution is the finer of the two.
    assert.strictEqual(read({ date: at(START), "x-ratelimit-reset": String(START / 1000 + 1) }, START + 400), 600)
    // A Date that is not an HTTP-date leaves our clock.
    assert.strictEqual(read({ date: "yesterday", "x-ratelimit-reset": String(START / 1000 + 3) }), 3_000)
  })

  const rateLimited = (retryAfterValue: string) =>
    server((_, n) =>
      n === 1 ? { status: 429, headers: { "retry-after": retryAfterValue } } : { status: 200, headers: {} }
    )

  for (const [value, min, max] of [
    ["-5", 400, 600],
    ["0x10", 400, 600],
    ["99999999999", 60_000, 60_000]
  ] as const) {
    it.effect(`Retry-After: ${value} waits ${min === max ? `${min} ms (maxDelay)` : "as backoff does"}`, () =>
      Effect.gen(function* () {
        const s = rateLimited(value)
        const fiber = yield* gets(auth0(s.layer, { pacing: false }), 1)
        yield* TestClock.adjust("61 seconds")
        yield* done(fiber)
        assert.strictEqual(s.calls.length, 2)
        const wait = s.calls[1]!.at - s.calls[0]!.at
        assert.isAtLeast(wait, min)
        assert.isAtMost(wait, max)
      })
    )
  }

  it.effect("the RateLimited of a huge Retry-After carries a bounded retryAfter", () =>
    Effect.gen(function* () {
      const s = rateLimited("99999999999")
      const error = yield* Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer, { retry: false })), Effect.flip)
      assert.instanceOf(error, Auth0Error.RateLimited)
      if (error._tag !== "RateLimited") return
      assert.strictEqual(Duration.toMillis(error.retryAfter!), DAY)
    })
  )

  it.effect("a 429's X-RateLimit-Reset with our clock 10 minutes ahead: the retry waits for the real reset", () =>
    Effect.gen(function* () {
      availableAt.value = -Infinity
      const s = server(oneTokenBucket(), { skewMillis: -TEN_MINUTES })
      const fiber = yield* gets(auth0(s.layer, { pacing: false }), 2)
      yield* TestClock.adjust("5 seconds")
      yield* done(fiber)
      assert.deepStrictEqual(
        s.calls.map((c) => c.status),
        [200, 429, 200],
        "one 429, then a retry at the reset; not a retry at once"
      )
      assert.isAtLeast(s.calls[2]!.at - s.calls[1]!.at, 2_000)
    })
  )
})
