import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, TestClock } from "effect"
import { Auth0Http, Retry, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { drive, fakeHttp, json, pacedTenant as setup } from "./utils.js"

const statuses = (tenant: FakeAuth0.Tenant.Service) =>
  Effect.map(tenant.requests, (requests) => requests.map((r) => r.status))

describe("pacing from X-RateLimit headers", () => {
  it.effect("holds a request until the reset instead of sending it into a 429", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* setup({ burst: 2, perSecond: 1 })
      const fiber = yield* Effect.fork(
        Effect.forEach(ids.slice(0, 3), (id) => Users.get(id), { discard: true }).pipe(Effect.provide(client()))
      )
      yield* TestClock.adjust("10 millis")
      assert.deepStrictEqual(yield* statuses(tenant), [200, 200], "the third request is held, not sent")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(yield* statuses(tenant), [200, 200, 200], "sent after the reset; no 429")
    })
  )

  it.effect("without pacing the same request is answered 429", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* setup({ burst: 2, perSecond: 1 })
      const error = yield* Effect.forEach(ids.slice(0, 3), (id) => Users.get(id), { discard: true }).pipe(
        Effect.provide(client({ pacing: false })),
        Effect.flip
      )
      assert.strictEqual(error._tag, "RateLimited")
      assert.deepStrictEqual(yield* statuses(tenant), [200, 200, 429])
    })
  )

  it.effect("concurrent fibers share one pacer: 60 reads through a bucket of 5 at 10/s, no failure, few 429s", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* setup({ burst: 5, perSecond: 10 }, 60)
      const started = yield* TestClock.currentTimeMillis
      const fiber = yield* Effect.fork(
        Effect.forEach(ids, (id) => Users.get(id), { concurrency: 8, discard: true }).pipe(
          Effect.provide(client({ retry: undefined }))
        )
      )
      yield* drive(fiber, "10 millis")
      const elapsed = (yield* TestClock.currentTimeMillis) - started
      const all = yield* statuses(tenant)
      const limited = all.filter((s) => s === 429).length
      assert.isAtMost(limited, 2, `429s: ${limited}`)
      // (60 - 5) / 10 per second = 5.5 s at best
      assert.isAtLeast(elapsed, 5_000)
      assert.isAtMost(elapsed, 7_500, `took ${elapsed} ms`)
    })
  )

  it.effect("a faulty tenant (5xx, cut bodies, 429s it did not earn, slow answers) does not throw the pacer off", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* setup({ burst: 10, perSecond: 50 }, 300)
      yield* tenant.setFaults({
        serverError: 0.1,
        rateLimited: 0.05,
        truncate: 0.1,
        delay: { share: 0.1, millis: 200 }
      })
      const started = yield* TestClock.currentTimeMillis
      const fiber = yield* Effect.fork(
        Effect.forEach(ids, (id) => Users.get(id), { concurrency: 16 }).pipe(
          Effect.provide(client({ retry: Retry.policy({ times: 8, base: "20 millis" }) }))
        )
      )
      const users = yield* drive(fiber, "10 millis", 20_000)
      assert.deepStrictEqual(
        users.map((u) => u.user_id),
        ids
      )
      const elapsed = (yield* TestClock.currentTimeMillis) - started
      const answers = yield* tenant.requests
      // Injected faults are answered before the bucket: only the others take a token.
      const taken = answers.filter((r) => r.fault === undefined || r.fault === "truncate").length
      const minimum = ((taken - 10) / 50) * 1000
      const earned = answers.filter((r) => r.status === 429 && r.fault === undefined).length
      assert.isAbove(answers.filter((r) => r.fault === "rateLimited").length, 0, "429s were injected")
      assert.isAtLeast(elapsed, minimum * 0.95)
      assert.isAtMost(elapsed, minimum * 1.25, `took ${elapsed} ms for ${taken} answers from the bucket`)
      assert.isAtMost(earned, Math.ceil(taken * 0.02), `429s the bucket gave: ${earned} of ${taken}`)
    })
  )

  it.effect("two clients (as two processes would) pacing from the same tenant hold back together", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* setup({ burst: 5, perSecond: 10 }, 60)
      const a = client({ retry: undefined })
      const b = client({ retry: undefined })
      const fiber = yield* Effect.fork(
        Effect.all(
          [
            Effect.forEach(ids.slice(0, 30), (id) => Users.get(id), { concurrency: 4, discard: true }).pipe(
              Effect.provide(a)
            ),
            Effect.forEach(ids.slice(30), (id) => Users.get(id), { concurrency: 4, discard: true }).pipe(
              Effect.provide(b)
            )
          ],
          { concurrency: 2 }
        )
      )
      yield* drive(fiber)
      const all = yield* statuses(tenant)
      assert.strictEqual(all.filter((s) => s === 200).length, 60)
      assert.isAtMost(all.filter((s) => s === 429).length, 6, `statuses: ${all.join(",")}`)
    })
  )

  it.effect("four clients on one bucket: near the bucket's pace, few 429s, and the rest take over when one stops", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* setup({ burst: 10, perSecond: 20 }, 400)
      const started = yield* TestClock.currentTimeMillis
      // Unequal loads: the first client stops early and leaves its part of the bucket to the others.
      const loads = [ids.slice(0, 40), ids.slice(40, 160), ids.slice(160, 280), ids.slice(280)]
      const fiber = yield* Effect.fork(
        Effect.all(
          loads.map((load) =>
            Effect.forEach(load, (id) => Users.get(id), { concurrency: 4, discard: true }).pipe(
              Effect.provide(client({ retry: undefined }))
            )
          ),
          { concurrency: "unbounded" }
        )
      )
      yield* drive(fiber, "10 millis", 10_000)
      const elapsed = (yield* TestClock.currentTimeMillis) - started
      const all = yield* statuses(tenant)
      assert.strictEqual(all.filter((s) => s === 200).length, 400)
      const limited = all.filter((s) => s === 429).length
      assert.isAtMost(limited, 8, `429s: ${limited} of ${all.length}`)
      // (400 - 10) / 20 per second = 19.5 s at best
      assert.isAtLeast(elapsed, 19_000)
      assert.isAtMost(elapsed, 19_500 * 1.15, `took ${elapsed} ms`)
    })
  )

  it.effect("four clients with equal loads share the bucket: none is starved until the others are done", () =>
    Effect.gen(function* () {
      const { client, ids } = yield* setup({ burst: 10, perSecond: 20 }, 240)
      const started = yield* TestClock.currentTimeMillis
      const fiber = yield* Effect.fork(
        Effect.all(
          [0, 1, 2, 3].map((i) =>
            Effect.forEach(ids.slice(i * 60, (i + 1) * 60), (id) => Users.get(id), {
              concurrency: 4,
              discard: true
            }).pipe(Effect.zipRight(TestClock.currentTimeMillis), Effect.provide(client({ retry: undefined })))
          ),
          { concurrency: "unbounded" }
        )
      )
      const ends = (yield* drive(fiber, "10 millis", 10_000)).map((end) => end - started)
      // (240 - 10) / 20 per second = 11.5 s at best; a client starved until the others are done ends late.
      assert.isAtMost(Math.max(...ends), 11_500 * 1.1, `ends: ${ends.join(", ")}`)
      assert.isAtLeast(Math.min(...ends), 0.55 * Math.max(...ends), `ends: ${ends.join(", ")}`)
    })
  )

  it.effect("maxConcurrency bounds the requests in flight", () =>
    Effect.gen(function* () {
      let inFlight = 0
      let peak = 0
      const http = fakeHttp(() =>
        Effect.gen(function* () {
          inFlight++
          peak = Math.max(peak, inFlight)
          yield* Effect.sleep("100 millis")
          inFlight--
          return json({ user_id: "auth0|1" })
        })
      )
      const layer = Auth0Http.layer({
        domain: "t.eu.auth0.com",
        token: yield* FakeAuth0.make().pipe(Effect.flatMap((t) => t.issueToken())),
        maxConcurrency: 3
      }).pipe(Layer.provide(http))
      const fiber = yield* Effect.fork(
        Effect.forEach(
          Array.from({ length: 10 }, (_, i) => `auth0|${i}`),
          (id) => Users.get(id),
          {
            concurrency: "unbounded",
            discard: true
          }
        ).pipe(Effect.provide(layer))
      )
      yield* drive(fiber, "20 millis")
      assert.strictEqual(peak, 3)
    })
  )
})
