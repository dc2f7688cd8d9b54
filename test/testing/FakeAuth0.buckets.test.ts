/**
 * The fake tenant's rate-limit buckets per endpoint class (Read Users, Write Users and the global
 * "All other Endpoints Combined"), as self-service Auth0 plans have them: each class drains and
 * refills on its own, each answer carries its own bucket's headers, a 429 names its bucket, and the
 * single-bucket form is still one bucket for everything.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { Users } from "../../src/index.js"
import { FakeAuth0 } from "../../src/testing/index.js"
import { DB, enc, raw, type RawAnswer, seedOne, staticClient } from "./FakeAuth0.helpers.js"

// Three buckets of different sizes and rates, so a header or a refill from the wrong bucket shows.
const buckets = {
  readUsers: { burst: 4, perSecond: 2 },
  writeUsers: { burst: 2, perSecond: 0.5 },
  global: { burst: 3, perSecond: 1 }
}

const READ_MESSAGE = "Global per second users_read group limit has been reached"
const WRITE_MESSAGE = "Global per second users_write group limit has been reached"
const GLOBAL_MESSAGE = "Global limit has been reached"

/** A tenant with one user, a token and one request per class (the user is seeded before the limits apply). */
const setup = (rateLimit: FakeAuth0.Options["rateLimit"], faults: FakeAuth0.FaultOptions = {}) =>
  Effect.gen(function* () {
    const tenant = yield* FakeAuth0.make({ faults })
    const user = yield* seedOne(tenant, { connection: DB, email: "bucket@example.com" })
    const token = Redacted.value(yield* tenant.issueToken())
    if (rateLimit !== undefined) yield* tenant.setRateLimit(rateLimit)
    const path = `/api/v2/users/${enc(user.user_id)}`
    return {
      tenant,
      user,
      read: raw(tenant, { method: "GET", url: path, token }),
      write: raw(tenant, { method: "PATCH", url: path, token, body: { user_metadata: { n: 1 } } }),
      job: raw(tenant, { method: "POST", url: "/api/v2/jobs/users-exports", token, body: { format: "json" } })
    }
  })

const times = (n: number, request: Effect.Effect<RawAnswer>) => Effect.all(Array.from({ length: n }, () => request))

const statuses = (answers: ReadonlyArray<RawAnswer>) => answers.map((a) => a.status)

const figures = (answer: RawAnswer) => ({
  limit: answer.headers["x-ratelimit-limit"],
  remaining: answer.headers["x-ratelimit-remaining"],
  reset: answer.headers["x-ratelimit-reset"]
})

const message = (answer: RawAnswer) => (answer.json as { readonly message?: unknown }).message

describe("rate-limit buckets per endpoint class", () => {
  // Fails when every class spends from one bucket (rateLimitBucketOf answering "global", or
  // bucketFor ignoring the class): the first write after the reads would be 429.
  it.effect("reads at the read bucket's limit leave writes and jobs alone, and writes leave reads alone", () =>
    Effect.gen(function* () {
      const readsFirst = yield* setup({ buckets })
      expect(statuses(yield* times(5, readsFirst.read))).toEqual([200, 200, 200, 200, 429])
      expect(statuses(yield* times(3, readsFirst.write))).toEqual([200, 200, 429])
      expect(statuses(yield* times(4, readsFirst.job))).toEqual([200, 200, 200, 429])
      expect((yield* readsFirst.read).status).toBe(429)

      const writesFirst = yield* setup({ buckets })
      expect(statuses(yield* times(3, writesFirst.write))).toEqual([200, 200, 429])
      expect(statuses(yield* times(5, writesFirst.read))).toEqual([200, 200, 200, 200, 429])
    })
  )

  // Fails when rateLimitBucketOf misfiles a path or method: each request below would drain another class.
  it.effect("every served users read is Read Users, every users write is Write Users, export jobs are global", () =>
    Effect.gen(function* () {
      const { tenant, user } = yield* setup({
        buckets: {
          readUsers: { burst: 8, perSecond: 1 },
          writeUsers: { burst: 9, perSecond: 1 },
          global: { burst: 7, perSecond: 1 }
        }
      })
      const token = Redacted.value(yield* tenant.issueToken())
      const id = enc(user.user_id)
      const served = (method: string, url: string, body?: unknown) =>
        Effect.map(raw(tenant, { method, url, token, ...(body !== undefined ? { body } : {}) }), (a) => ({
          status: a.status,
          limit: a.headers["x-ratelimit-limit"]
        }))
      const read = { status: 200, limit: "8" }
      for (const url of [
        "/api/v2/users",
        `/api/v2/users/${id}`,
        `/api/v2/users/${id}/logs`,
        `/api/v2/users/${id}/roles`,
        `/api/v2/users/${id}/enrollments`
      ])
        expect(yield* served("GET", url)).toEqual(read)
      expect(yield* served("PATCH", `/api/v2/users/${id}`, { user_metadata: {} })).toEqual({ status: 200, limit: "9" })
      const created = { connection: DB, email: "new@example.com", password: "Passw0rd!x" }
      expect(yield* served("POST", "/api/v2/users", created)).toEqual({ status: 201, limit: "9" })
      expect(yield* served("DELETE", `/api/v2/users/${id}/authentication-methods`)).toEqual({ status: 204, limit: "9" })
      expect(yield* served("POST", "/api/v2/jobs/users-exports", { format: "json" })).toEqual({
        status: 200,
        limit: "7"
      })
      expect(yield* served("DELETE", `/api/v2/users/${id}`)).toEqual({ status: 204, limit: "9" })
    })
  )

  // Fails when the headers come from one bucket (say the global one) whatever the class.
  it.effect("each answer, success or 429, carries its own bucket's X-RateLimit-* headers", () =>
    Effect.gen(function* () {
      const { read, write, job } = yield* setup({ buckets })
      const answers = [yield* read, yield* write, yield* read, yield* job, yield* write, yield* write, yield* read]
      expect(answers.map(figures)).toEqual([
        { limit: "4", remaining: "3", reset: "1" },
        { limit: "2", remaining: "1", reset: "2" },
        { limit: "4", remaining: "2", reset: "1" },
        { limit: "3", remaining: "2", reset: "1" },
        { limit: "2", remaining: "0", reset: "2" },
        { limit: "2", remaining: "0", reset: "2" },
        { limit: "4", remaining: "1", reset: "1" }
      ])
      expect(statuses(answers)).toEqual([200, 200, 200, 200, 200, 429, 200])
    })
  )

  // Fails when the buckets share one refill (one clock or one rate for all) or a refill lands in another bucket.
  it.effect("each bucket refills at its own rate over TestClock time", () =>
    Effect.gen(function* () {
      const { tenant, read, write, job } = yield* setup({ buckets })
      yield* times(4, read)
      yield* times(2, write)
      expect(yield* tenant.rateLimitBuckets).toEqual({
        readUsers: { limit: 4, remaining: 0, reset: 1 },
        writeUsers: { limit: 2, remaining: 0, reset: 2 },
        global: { limit: 3, remaining: 3, reset: 0 }
      })
      yield* TestClock.adjust("1 second")
      // Reads got 2 tokens back (2 per second), writes half of one (0.5 per second).
      expect(yield* tenant.rateLimitBuckets).toEqual({
        readUsers: { limit: 4, remaining: 2, reset: 2 },
        writeUsers: { limit: 2, remaining: 0, reset: 2 },
        global: { limit: 3, remaining: 3, reset: 1 }
      })
      expect((yield* write).status).toBe(429)
      expect(statuses(yield* times(3, read))).toEqual([200, 200, 429])
      yield* TestClock.adjust("1 second")
      expect(statuses(yield* times(2, write))).toEqual([200, 429])
      expect(statuses(yield* times(3, read))).toEqual([200, 200, 429])
      // The global bucket was never touched and stays full.
      expect(statuses(yield* times(4, job))).toEqual([200, 200, 200, 429])
    })
  )

  // Fails when the 429 message is one fixed text, or names another bucket than the one that ran dry.
  it.effect("a 429 names the bucket that ran dry, as Auth0's message does, and the client keeps it", () =>
    Effect.gen(function* () {
      const { tenant, user, read, write, job } = yield* setup({ buckets })
      expect(message((yield* times(5, read))[4]!)).toBe(READ_MESSAGE)
      expect(message((yield* times(3, write))[2]!)).toBe(WRITE_MESSAGE)
      expect(message((yield* times(4, job))[3]!)).toBe(GLOBAL_MESSAGE)
      const error = yield* Effect.flip(Users.get(user.user_id)).pipe(
        Effect.provide(staticClient(tenant, yield* tenant.issueToken()))
      )
      expect(error).toMatchObject({
        _tag: "RateLimited",
        status: 429,
        description: READ_MESSAGE,
        limit: 4,
        remaining: 0
      })
    })
  )

  // Fails when a class left out is not limited at all (instead of spending from global), or when
  // requests without any bucket still get headers.
  it.effect("a class left out spends from global; with global left out too it is not limited", () =>
    Effect.gen(function* () {
      const noWrites = yield* setup({ buckets: { readUsers: buckets.readUsers, global: buckets.global } })
      const writes = yield* times(4, noWrites.write)
      expect(statuses(writes)).toEqual([200, 200, 200, 429])
      expect(figures(writes[0]!)).toEqual({ limit: "3", remaining: "2", reset: "1" })
      expect(message(writes[3]!)).toBe(GLOBAL_MESSAGE)
      expect((yield* noWrites.job).status).toBe(429)
      expect((yield* noWrites.read).status).toBe(200)
      expect(Object.keys(yield* noWrites.tenant.rateLimitBuckets).sort()).toEqual(["global", "readUsers"])

      const readsOnly = yield* setup({ buckets: { readUsers: buckets.readUsers } })
      for (const answer of yield* times(10, readsOnly.write)) {
        expect(answer.status).toBe(200)
        expect(answer.headers).not.toHaveProperty("x-ratelimit-limit")
      }
      expect(yield* readsOnly.tenant.rateLimitState).toEqual(Option.none())
      expect(statuses(yield* times(5, readsOnly.read))).toEqual([200, 200, 200, 200, 429])
    })
  )

  // Fails when the single-bucket form is split per class: the write after two reads would not be limited.
  it.effect("the single-bucket form is still one bucket for every class, reported as global", () =>
    Effect.gen(function* () {
      const { tenant, read, write, job } = yield* setup({ burst: 3, perSecond: 1 })
      const answers = [yield* read, yield* write, yield* job, yield* read]
      expect(statuses(answers)).toEqual([200, 200, 200, 429])
      expect(answers.map((a) => a.headers["x-ratelimit-remaining"])).toEqual(["2", "1", "0", "0"])
      expect(message(answers[3]!)).toBe(GLOBAL_MESSAGE)
      expect(yield* tenant.rateLimitState).toEqual(Option.some({ limit: 3, remaining: 0, reset: 1 }))
      expect(yield* tenant.rateLimitBuckets).toEqual({ global: { limit: 3, remaining: 0, reset: 1 } })
    })
  )

  // Fails when an injected 429 takes the global bucket's headers or message, or spends a token.
  it.effect("an injected 429 carries the headers and name of the request's bucket and is marked in the log", () =>
    Effect.gen(function* () {
      const { tenant, write } = yield* setup({ buckets }, { rateLimited: 1 })
      const answer = yield* write
      expect(answer.status).toBe(429)
      expect(figures(answer)).toEqual({ limit: "2", remaining: "2", reset: "0" })
      expect(message(answer)).toBe(WRITE_MESSAGE)
      const logged = (yield* tenant.requests).at(-1)!
      expect(logged).toMatchObject({ method: "PATCH", status: 429, fault: "rateLimited" })
    })
  )

  // Fails when setRateLimit refills or forgets a bucket, or when a smaller size does not cap its tokens.
  it.effect("setRateLimit switches forms at run time; a bucket keeps its tokens, capped at its new size", () =>
    Effect.gen(function* () {
      const { tenant, read, write } = yield* setup({ burst: 3, perSecond: 1 })
      yield* times(2, read)
      yield* tenant.setRateLimit({ buckets })
      // The single bucket was the global one: its one token left carries over; the new classes start full.
      expect(yield* tenant.rateLimitBuckets).toEqual({
        readUsers: { limit: 4, remaining: 4, reset: 0 },
        writeUsers: { limit: 2, remaining: 2, reset: 0 },
        global: { limit: 3, remaining: 1, reset: 1 }
      })
      yield* tenant.setRateLimit({ buckets: { ...buckets, writeUsers: { burst: 1, perSecond: 0.5 } } })
      expect((yield* tenant.rateLimitBuckets).writeUsers).toEqual({ limit: 1, remaining: 1, reset: 0 })
      expect(statuses(yield* times(2, write))).toEqual([200, 429])
    })
  )
})
