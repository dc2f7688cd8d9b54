import { assert, describe, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Cause, Clock, Duration, Effect, Exit, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import { Auth0Error, Auth0Http, Retry, Users } from "../src/index.js"
import * as Endpoints from "../src/internal/endpoints.js"
import { empty, json } from "./utils.js"

const DOMAIN = "tenant.eu.auth0.com"

interface Call {
  readonly method: string
  readonly url: URL
  /** TestClock millis when the request was sent. */
  readonly at: number
}

/** What the fake answers: a response, an effect of one, or a transport failure (connection reset). */
type Reply = Response | Effect.Effect<Response> | "reset"

/** A fake `HttpClient` that can also fail in transport, and notes when each request arrived. */
const server = (reply: (call: Call, n: number) => Reply) => {
  const calls: Array<Call> = []
  const layer = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) =>
      Effect.gen(function* () {
        const call: Call = { method: request.method, url, at: yield* Clock.currentTimeMillis }
        calls.push(call)
        const out = reply(call, calls.length)
        if (out === "reset") {
          return yield* Effect.fail(
            new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("ECONNRESET") })
          )
        }
        const response = Effect.isEffect(out) ? yield* out : out
        return HttpClientResponse.fromWeb(request, response)
      })
    )
  )
  return { calls, layer }
}

const auth0 = (
  http: Layer.Layer<HttpClient.HttpClient>,
  options: Partial<Omit<Auth0Http.StaticTokenOptions, "domain" | "token">> = {}
) =>
  // Pacing off unless asked for: the waits measured here are the retry policy's alone.
  Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("static-token"), pacing: false, ...options }).pipe(
    Layer.provide(http)
  )

const user = () => json({ user_id: "auth0|1" })
const rateLimited = (headers: Record<string, string> = {}) =>
  json({ statusCode: 429, error: "Too Many Requests", message: "Global limit has been reached" }, 429, headers)
const status = (code: number) => json({ statusCode: code, error: "Error", message: `status ${code}` }, code)

/** Run `effect` in the background, let `time` pass on the TestClock, and return how it ended (it must have). */
const settle = <A, E>(effect: Effect.Effect<A, E>, time: Duration.DurationInput = "10 minutes") =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust(time)
    const exit = yield* Fiber.poll(fiber)
    assert.isTrue(Option.isSome(exit), `still running after ${Duration.format(Duration.decode(time))}`)
    return Option.getOrThrow(exit)
  })

/** The typed failure of an exit (a defect or an interruption fails the test). */
const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  if (Exit.isSuccess(exit)) throw new Error("unreachable")
  const error = Cause.failureOption(exit.cause)
  assert.isTrue(Option.isSome(error), `not a typed failure: ${Cause.pretty(exit.cause)}`)
  return Option.getOrThrow(error)
}

const waited = (calls: ReadonlyArray<Call>) => calls.slice(1).map((call, i) => call.at - calls[i]!.at)

describe("Retry: how long a 429 waits", () => {
  it.effect("Retry-After: 5 waits 5 s (plus at most 10% jitter)", () =>
    Effect.gen(function* () {
      const s = server((_, n) => (n === 1 ? rateLimited({ "retry-after": "5" }) : user()))
      const fiber = yield* Effect.fork(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      yield* TestClock.adjust("4900 millis")
      assert.strictEqual(s.calls.length, 1)
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("700 millis")
      assert.strictEqual(s.calls.length, 2)
      assert.strictEqual((yield* Fiber.join(fiber)).user_id, "auth0|1")
      const [wait] = waited(s.calls)
      assert.isAtLeast(wait!, 5000)
      assert.isAtMost(wait!, 5500)
    })
  )

  it.effect("Retry-After as an HTTP date waits until then", () =>
    Effect.gen(function* () {
      // The TestClock starts at the epoch.
      const s = server((_, n) => (n === 1 ? rateLimited({ "retry-after": "Thu, 01 Jan 1970 00:00:04 GMT" }) : user()))
      const fiber = yield* Effect.fork(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      yield* TestClock.adjust("3900 millis")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("600 millis")
      assert.strictEqual(s.calls.length, 2)
      yield* Fiber.join(fiber)
      assert.isAtLeast(waited(s.calls)[0]!, 4000)
    })
  )

  it.effect("only X-RateLimit-Reset (epoch seconds): waits until the reset", () =>
    Effect.gen(function* () {
      const s = server((_, n) =>
        n === 1
          ? rateLimited({ "x-ratelimit-limit": "10", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3" })
          : user()
      )
      const fiber = yield* Effect.fork(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      yield* TestClock.adjust("2900 millis")
      assert.strictEqual(s.calls.length, 1, "not before the reset")
      yield* TestClock.adjust("500 millis")
      assert.strictEqual(s.calls.length, 2)
      yield* Fiber.join(fiber)
      const [wait] = waited(s.calls)
      assert.isAtLeast(wait!, 3000)
      assert.isAtMost(wait!, 3300)
    })
  )

  it.effect("X-RateLimit-Reset is a timestamp, not a delta: waits until it, counted from now", () =>
    Effect.gen(function* () {
      const now = 1_700_000_000_000
      yield* TestClock.setTime(now)
      const s = server((_, n) => (n === 1 ? rateLimited({ "x-ratelimit-reset": String(now / 1000 + 3) }) : user()))
      const fiber = yield* Effect.fork(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      yield* TestClock.adjust("2900 millis")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("500 millis")
      assert.strictEqual(s.calls.length, 2)
      yield* Fiber.join(fiber)
      const [wait] = waited(s.calls)
      assert.isAtLeast(wait!, 3000)
      assert.isAtMost(wait!, 3300)
    })
  )

  it.effect("Retry-After as an HTTP date is counted from now", () =>
    Effect.gen(function* () {
      const now = Date.parse("2025-06-01T12:00:00Z")
      yield* TestClock.setTime(now)
      const s = server((_, n) =>
        n === 1 ? rateLimited({ "retry-after": new Date(now + 2000).toUTCString() }) : user()
      )
      const fiber = yield* Effect.fork(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      yield* TestClock.adjust("1900 millis")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("400 millis")
      assert.strictEqual(s.calls.length, 2)
      yield* Fiber.join(fiber)
    })
  )

  it.effect("with pacing on, a 429 with X-RateLimit headers is still retried once, after the reset", () =>
    Effect.gen(function* () {
      const s = server((_, n) =>
        n === 1
          ? rateLimited({ "x-ratelimit-limit": "10", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3" })
          : user()
      )
      const fiber = yield* Effect.fork(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer, { pacing: true }))))
      yield* TestClock.adjust("2900 millis")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(s.calls.length, 2)
      assert.strictEqual((yield* Fiber.join(fiber)).user_id, "auth0|1")
    })
  )

  it.effect("RateLimited carries retryAfter and the bucket's figures", () =>
    Effect.gen(function* () {
      const s = server(() =>
        rateLimited({ "x-ratelimit-limit": "10", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3" })
      )
      const error = yield* Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer, { retry: false })), Effect.flip)
      assert.instanceOf(error, Auth0Error.RateLimited)
      if (error._tag !== "RateLimited") return
      assert.strictEqual(Duration.toMillis(error.retryAfter!), 3000)
      assert.strictEqual(error.limit, 10)
      assert.strictEqual(error.remaining, 0)
      assert.strictEqual(error.reset, 3)
      assert.strictEqual(error.status, 429)
    })
  )

  it.effect("neither header: exponential backoff from 500 ms with ±20% jitter, 3 retries by default", () =>
    Effect.gen(function* () {
      const s = server(() => rateLimited())
      const fiber = yield* Effect.fork(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer)), Effect.flip))
      yield* TestClock.adjust("399 millis")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("201 millis")
      assert.strictEqual(s.calls.length, 2, "first retry by 600 ms")
      yield* TestClock.adjust("10 seconds")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, Auth0Error.RateLimited)
      assert.strictEqual(s.calls.length, 4)
      const [first, second, third] = waited(s.calls)
      assert.isAtLeast(first!, 400)
      assert.isAtMost(first!, 600)
      assert.isAtLeast(second!, 800)
      assert.isAtMost(second!, 1200)
      assert.isAtLeast(third!, 1600)
      assert.isAtMost(third!, 2400)
    })
  )

  it.effect("Retry.policy({ base }) changes the first step", () =>
    Effect.gen(function* () {
      const s = server((_, n) => (n === 1 ? rateLimited() : user()))
      const fiber = yield* Effect.fork(
        Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer, { retry: Retry.policy({ base: "2 seconds" }) })))
      )
      yield* TestClock.adjust("1500 millis")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("1000 millis")
      assert.strictEqual(s.calls.length, 2)
      yield* Fiber.join(fiber)
    })
  )
})

describe("Retry: what is retried", () => {
  it.effect("POST (Users.create) 503 is not retried", () =>
    Effect.gen(function* () {
      const s = server(() => status(503))
      const exit = yield* settle(
        Users.create("Username-Password-Authentication", { email: "a@example.com" }).pipe(
          Effect.provide(auth0(s.layer))
        )
      )
      const error = failure(exit)
      assert.instanceOf(error, Auth0Error.ServerError)
      assert.strictEqual(error.method, "POST")
      assert.strictEqual(s.calls.length, 1)
    })
  )

  it.effect("PATCH (Users.update) 503 is not retried", () =>
    Effect.gen(function* () {
      const s = server(() => status(503))
      const exit = yield* settle(Users.update("auth0|1", { name: "x" }).pipe(Effect.provide(auth0(s.layer))))
      assert.instanceOf(failure(exit), Auth0Error.ServerError)
      assert.strictEqual(s.calls.length, 1)
      assert.strictEqual(s.calls[0]!.method, "PATCH")
    })
  )

  // The first answer fails; the retry succeeds. `methods`: what both requests must have been sent as.
  const retried: ReadonlyArray<{
    readonly title: string
    readonly first: () => Response
    readonly then: () => Response
    readonly run: Effect.Effect<unknown, unknown, Auth0Http.Auth0Http>
    readonly methods?: ReadonlyArray<string>
  }> = [
    {
      title: "POST 429",
      first: () => rateLimited({ "retry-after": "1" }),
      then: () => json({ user_id: "auth0|new" }, 201),
      run: Users.create("Username-Password-Authentication", { email: "a@example.com" })
    },
    {
      title: "PATCH 429",
      first: () => rateLimited({ "retry-after": "1" }),
      then: user,
      run: Users.update("auth0|1", { name: "x" })
    },
    { title: "GET 503", first: () => status(503), then: user, run: Users.get("auth0|1") },
    { title: "GET 408", first: () => empty(408), then: user, run: Users.get("auth0|1") },
    {
      title: "DELETE 500",
      first: () => status(500),
      then: () => empty(204),
      run: Users.delete("auth0|1"),
      methods: ["DELETE", "DELETE"]
    }
  ]
  for (const c of retried) {
    it.effect(`${c.title} is retried`, () =>
      Effect.gen(function* () {
        const s = server((_, n) => (n === 1 ? c.first() : c.then()))
        const exit = yield* settle(c.run.pipe(Effect.provide(auth0(s.layer))))
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(s.calls.length, 2)
        if (c.methods !== undefined) {
          assert.deepStrictEqual(
            s.calls.map((call) => call.method),
            c.methods
          )
        }
      })
    )
  }

  it.effect("a persistent GET 503 gives up after the retries with ServerError", () =>
    Effect.gen(function* () {
      const s = server(() => status(503))
      const exit = yield* settle(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      const error = failure(exit)
      assert.instanceOf(error, Auth0Error.ServerError)
      assert.strictEqual(s.calls.length, 4)
    })
  )

  for (const code of [400, 401, 403, 404, 409] as const) {
    it.effect(`GET ${code} is not retried`, () =>
      Effect.gen(function* () {
        const s = server(() => status(code))
        const exit = yield* settle(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(s.calls.length, 1)
      })
    )
  }

  it.effect("a transport failure on GET is a TransportError and is retried", () =>
    Effect.gen(function* () {
      const s = server((_, n) => (n === 1 ? "reset" : user()))
      const exit = yield* settle(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(s.calls.length, 2)
    })
  )

  it.effect("a transport failure on GET that persists ends in TransportError", () =>
    Effect.gen(function* () {
      const s = server(() => "reset")
      const exit = yield* settle(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      const error = failure(exit)
      assert.instanceOf(error, Auth0Error.TransportError)
      if (error._tag !== "TransportError") return
      assert.strictEqual(error.reason, "Transport")
      assert.strictEqual(error.method, "GET")
      assert.strictEqual(error.path, "/api/v2/users/auth0%7C1")
      assert.strictEqual(s.calls.length, 4)
    })
  )

  it.effect("a transport failure on POST is a TransportError and is not retried", () =>
    Effect.gen(function* () {
      const s = server(() => "reset")
      const exit = yield* settle(
        Users.create("Username-Password-Authentication", { email: "a@example.com" }).pipe(
          Effect.provide(auth0(s.layer))
        )
      )
      const error = failure(exit)
      assert.instanceOf(error, Auth0Error.TransportError)
      if (error._tag !== "TransportError") return
      assert.strictEqual(error.reason, "Transport")
      assert.strictEqual(error.method, "POST")
      assert.strictEqual(s.calls.length, 1)
    })
  )

  it.effect("a transport failure on PATCH is not retried", () =>
    Effect.gen(function* () {
      const s = server(() => "reset")
      const exit = yield* settle(Users.update("auth0|1", { name: "x" }).pipe(Effect.provide(auth0(s.layer))))
      assert.instanceOf(failure(exit), Auth0Error.TransportError)
      assert.strictEqual(s.calls.length, 1)
    })
  )

  it.effect("a timed-out POST is not retried", () =>
    Effect.gen(function* () {
      const s = server(() => Effect.as(Effect.sleep("1 hour"), json({ user_id: "late" }, 201)))
      const exit = yield* settle(
        Users.create("Username-Password-Authentication", { email: "a@example.com" }).pipe(
          Effect.provide(auth0(s.layer, { timeout: "2 seconds" }))
        ),
        "1 minute"
      )
      assert.instanceOf(failure(exit), Auth0Error.TimeoutError)
      assert.strictEqual(s.calls.length, 1)
    })
  )
})

describe("Retry: bounds", () => {
  it.effect("Retry.policy({ times: 2 }) with an endless 429: exactly 3 calls, then RateLimited", () =>
    Effect.gen(function* () {
      const s = server(() => rateLimited({ "retry-after": "1" }))
      const exit = yield* settle(
        Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer, { retry: Retry.policy({ times: 2 }) })))
      )
      assert.instanceOf(failure(exit), Auth0Error.RateLimited)
      assert.strictEqual(s.calls.length, 3)
    })
  )

  it.effect("Retry.policy({ times: 0 }) sends once", () =>
    Effect.gen(function* () {
      const s = server(() => rateLimited({ "retry-after": "1" }))
      const exit = yield* settle(
        Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer, { retry: Retry.policy({ times: 0 }) })))
      )
      assert.instanceOf(failure(exit), Auth0Error.RateLimited)
      assert.strictEqual(s.calls.length, 1)
    })
  )

  it.effect("Retry-After: 3600 with maxDelay '2 seconds' is retried after 2 s", () =>
    Effect.gen(function* () {
      const s = server((_, n) => (n === 1 ? rateLimited({ "retry-after": "3600" }) : user()))
      const fiber = yield* Effect.fork(
        Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer, { retry: Retry.policy({ maxDelay: "2 seconds" }) })))
      )
      yield* TestClock.adjust("1999 millis")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(s.calls.length, 2)
      assert.strictEqual((yield* Fiber.join(fiber)).user_id, "auth0|1")
    })
  )

  it.effect("by default no wait is longer than 60 s, whatever Retry-After says", () =>
    Effect.gen(function* () {
      const s = server((_, n) => (n === 1 ? rateLimited({ "retry-after": "3600" }) : user()))
      const fiber = yield* Effect.fork(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      yield* TestClock.adjust("60 seconds")
      assert.strictEqual(s.calls.length, 2)
      yield* Fiber.join(fiber)
    })
  )

  it.effect("backoff is capped by maxDelay too", () =>
    Effect.gen(function* () {
      const s = server(() => rateLimited())
      const fiber = yield* Effect.fork(
        Users.get("auth0|1").pipe(
          Effect.provide(auth0(s.layer, { retry: Retry.policy({ base: "10 seconds", maxDelay: "1 second" }) })),
          Effect.flip
        )
      )
      yield* TestClock.adjust("3 seconds")
      yield* Fiber.join(fiber)
      assert.strictEqual(s.calls.length, 4)
      for (const wait of waited(s.calls)) assert.isAtMost(wait, 1000)
    })
  )

  it.effect("retry: false sends exactly once", () =>
    Effect.gen(function* () {
      const s = server(() => rateLimited({ "retry-after": "1" }))
      const exit = yield* settle(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer, { retry: false }))))
      assert.instanceOf(failure(exit), Auth0Error.RateLimited)
      assert.strictEqual(s.calls.length, 1)
    })
  )

  it.effect("retry: false sends a failing GET 503 once", () =>
    Effect.gen(function* () {
      const s = server(() => status(503))
      const exit = yield* settle(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer, { retry: false }))))
      assert.instanceOf(failure(exit), Auth0Error.ServerError)
      assert.strictEqual(s.calls.length, 1)
    })
  )

  it.effect("waiting on Retry-After is interruptible, and nothing is sent after the interruption", () =>
    Effect.gen(function* () {
      const s = server(() => rateLimited({ "retry-after": "60" }))
      const fiber = yield* Effect.fork(Users.get("auth0|1").pipe(Effect.provide(auth0(s.layer))))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(s.calls.length, 1)
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      yield* TestClock.adjust("2 minutes")
      assert.strictEqual(s.calls.length, 1)
    })
  )
})

describe("Auth0Error.isRetryable", () => {
  type Tag = Auth0Error.Auth0Error["_tag"]
  const where = (method: string) => ({ method, path: "/api/v2/users" })
  const answer = (method: string, status: number) => ({ ...where(method), status })
  // Keyed by every tag of the union: a new error type does not compile until it is listed here.
  const samples = (method: string): { readonly [K in Tag]: ReadonlyArray<Auth0Error.Auth0Error> } => ({
    RateLimited: [
      new Auth0Error.RateLimited(answer(method, 429)),
      new Auth0Error.RateLimited({ ...answer(method, 429), retryAfter: Duration.seconds(5) })
    ],
    ServerError: [new Auth0Error.ServerError(answer(method, 500)), new Auth0Error.ServerError(answer(method, 503))],
    TimeoutError: [
      new Auth0Error.TimeoutError({ ...where(method), timeout: Duration.seconds(30) }),
      new Auth0Error.TimeoutError({ ...where(method), status: 408 })
    ],
    TransportError: [new Auth0Error.TransportError({ ...where(method), reason: "Transport" })],
    Unauthorized: [new Auth0Error.Unauthorized(answer(method, 401))],
    Forbidden: [new Auth0Error.Forbidden(answer(method, 403))],
    BadRequest: [new Auth0Error.BadRequest(answer(method, 400))],
    NotFound: [new Auth0Error.NotFound(answer(method, 404))],
    Conflict: [new Auth0Error.Conflict(answer(method, 409))],
    UnexpectedStatus: [new Auth0Error.UnexpectedStatus(answer(method, 405))],
    DecodeError: [new Auth0Error.DecodeError({ ...where(method), status: 200, detail: "x" })],
    ResponseTooLarge: [
      new Auth0Error.ResponseTooLarge({
        ...where(method),
        status: 200,
        limit: 65536,
        detail: "a body of more than 64 KiB"
      })
    ],
    LimitExceeded: [new Auth0Error.LimitExceeded({ ...where(method), total: 5000, scope: "q", detail: "too many" })],
    ExportFailed: [new Auth0Error.ExportFailed({ ...where(method), jobId: "job_1", status: "failed", detail: "boom" })],
    ImportFailed: [
      new Auth0Error.ImportFailed({
        ...where(method),
        jobId: "job_1",
        status: "failed",
        detail: "boom",
        users: ["a@example.com"],
        done: { inserted: 0, updated: 0, failed: 0, total: 0, jobs: [], errors: [] },
        sent: 1
      })
    ]
  })
  const retryableFor: Record<string, ReadonlySet<Tag>> = {
    GET: new Set(["RateLimited", "ServerError", "TimeoutError", "TransportError"]),
    HEAD: new Set(["RateLimited", "ServerError", "TimeoutError", "TransportError"]),
    PUT: new Set(["RateLimited", "ServerError", "TimeoutError", "TransportError"]),
    DELETE: new Set(["RateLimited", "ServerError", "TimeoutError", "TransportError"]),
    POST: new Set(["RateLimited"]),
    PATCH: new Set(["RateLimited"])
  }
  for (const [method, retryable] of Object.entries(retryableFor)) {
    it(method, () => {
      for (const [tag, errors] of Object.entries(samples(method))) {
        for (const error of errors) {
          assert.strictEqual(error._tag, tag)
          assert.strictEqual(
            Auth0Error.isRetryable(error),
            retryable.has(error._tag),
            `${method} ${error._tag} (${error.message})`
          )
        }
      }
    })
  }

  it("the POSTs that change nothing on the tenant: the token request and creating an export job", () => {
    const transient = (path: string) => [
      new Auth0Error.ServerError({ method: "POST", path, status: 503 }),
      new Auth0Error.TimeoutError({ method: "POST", path, timeout: Duration.seconds(30) }),
      new Auth0Error.TransportError({ method: "POST", path, reason: "Transport" })
    ]
    for (const path of ["/oauth/token", "/api/v2/jobs/users-exports"]) {
      for (const error of transient(path)) assert.isTrue(Auth0Error.isRetryable(error), `${path} ${error._tag}`)
      assert.isFalse(Auth0Error.isRetryable(new Auth0Error.BadRequest({ method: "POST", path, status: 400 })))
    }
    // Other jobs do change the tenant (imports, verification emails).
    for (const path of ["/api/v2/jobs/users-imports", "/api/v2/jobs/verification-email", "/api/v2/users"]) {
      for (const error of transient(path)) assert.isFalse(Auth0Error.isRetryable(error), `${path} ${error._tag}`)
    }
  })

  it("the rule reads the endpoint's declaration, not the end of the path", () => {
    for (const endpoint of Endpoints.all) {
      const path = `/api/v2${Endpoints.fillPath(endpoint.path, { id: "auth0|1", provider: "github", user_id: "7" })}`
      const error = new Auth0Error.ServerError({ method: endpoint.method, path, status: 503 })
      assert.strictEqual(Auth0Error.isRetryable(error), endpoint.retrySafe, `${endpoint.method} ${endpoint.path}`)
    }
  })
})

describe("Retry.schedule", () => {
  it.effect("composes with Effect.retry over a layer that does not retry", () =>
    Effect.gen(function* () {
      const s = server(() => status(503))
      const exit = yield* settle(
        Users.get("auth0|1").pipe(
          Effect.retry({ while: Auth0Error.isRetryable, schedule: Retry.schedule({ times: 1 }) }),
          Effect.provide(auth0(s.layer, { retry: false }))
        )
      )
      assert.instanceOf(failure(exit), Auth0Error.ServerError)
      assert.strictEqual(s.calls.length, 2)
    })
  )

  it.effect("honours Retry-After when used by callers", () =>
    Effect.gen(function* () {
      const s = server((_, n) => (n === 1 ? rateLimited({ "retry-after": "5" }) : user()))
      const fiber = yield* Effect.fork(
        Users.get("auth0|1").pipe(
          Effect.retry({ while: Auth0Error.isRetryable, schedule: Retry.schedule() }),
          Effect.provide(auth0(s.layer, { retry: false }))
        )
      )
      yield* TestClock.adjust("4900 millis")
      assert.strictEqual(s.calls.length, 1)
      yield* TestClock.adjust("700 millis")
      assert.strictEqual((yield* Fiber.join(fiber)).user_id, "auth0|1")
      assert.strictEqual(s.calls.length, 2)
    })
  )

  it.effect("a policy works with Effect.retry directly, and its while stops non-retryable failures", () =>
    Effect.gen(function* () {
      const s = server((_, n) => (n === 1 ? status(503) : status(404)))
      const exit = yield* settle(
        Users.get("auth0|1").pipe(
          Effect.retry(Retry.policy({ times: 5 })),
          Effect.provide(auth0(s.layer, { retry: false }))
        )
      )
      assert.instanceOf(failure(exit), Auth0Error.NotFound)
      assert.strictEqual(s.calls.length, 2)
    })
  )
})
