/**
 * Users.export: the job, the polling, the download and the line decoding,
 * against the fake tenant (in process under the TestClock, and served on
 * loopback through undici) and against scripted answers; the gzip decoder on
 * its own; and the fake tenant's side of export jobs.
 */
import * as Zlib from "node:zlib"
import { NodeHttpClient } from "@effect/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Chunk from "effect/Chunk"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { Auth0Error, Auth0Http, Retry, Users } from "../src/index.js"
import * as ExportFile from "../src/internal/exportFile.js"
import { ExportedUser } from "../src/internal/exportFile.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { byName } from "./fixtures/recordings.js"
import { fakeHttp, json, type Seen } from "./utils.js"

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

const DB = "Username-Password-Authentication"
const DB_ID = "con_ftSSLHb0O7rcUGmF"
const GOOGLE = "google-oauth2"
const GOOGLE_ID = "con_G00gle0auth2Fake"

type Tenant = FakeAuth0.Tenant.Service

/** What the client put on the wire: URL and headers, after `Auth0Http` added the token (or did not). */
interface Sent {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
}

const recorder = (sent: Array<Sent>) =>
  HttpClient.tapRequest((request) => Effect.sync(() => sent.push({ url: request.url, headers: request.headers })))

/** The real `Auth0Http` over the in-process fake, recording every request it sends. */
const fake = (options: FakeAuth0.Options = {}, sent: Array<Sent> = []) =>
  FakeAuth0.layer({ ...options, client: { transformClient: recorder(sent) } })

/** Run `stream` in a fiber and move the TestClock on in steps until it ends. */
const driven = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  step: Duration.DurationInput = "500 millis",
  maxSteps = 20_000
) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(Stream.runCollect(stream))
    for (let i = 0; i < maxSteps && Option.isNone(yield* Fiber.poll(fiber)); i++) yield* TestClock.adjust(step)
    return Chunk.toReadonlyArray(yield* Fiber.join(fiber))
  })

const seedMixed = (tenant: Tenant, n: number) =>
  tenant.seedUsers(
    Array.from({ length: n }, (_, i) =>
      i % 3 === 0
        ? { connection: GOOGLE, email: `g${i}@example.com` }
        : { connection: DB, email: `u${i}@example.com`, user_metadata: { plan: i % 2 === 0 ? "gold" : "free" } }
    )
  )

const primaryConnection = (user: Record<string, unknown>) =>
  (user.identities as ReadonlyArray<{ readonly connection: string }>)[0]!.connection

const apiRequests = (tenant: Tenant, prefix: string) =>
  Effect.map(tenant.requests, (all) => all.filter((r) => r.url.startsWith(prefix)))

const gzip = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(Zlib.gzipSync(Buffer.from(text, "utf8")))

/** `bytes` as a stream of chunks of the given sizes, in turn. */
const chunked = (bytes: Uint8Array, sizes: ReadonlyArray<number>): Stream.Stream<Uint8Array> => {
  const chunks: Array<Uint8Array> = []
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!
    chunks.push(bytes.slice(at, at + size))
    at += size
  }
  return Stream.fromIterable(chunks)
}

/** One raw request to the fake, as its server would receive it. */
const raw = (
  tenant: Tenant,
  method: string,
  url: string,
  options: {
    readonly body?: unknown
    readonly rawBody?: string
    readonly token?: boolean
    readonly headers?: Record<string, string>
  } = {}
) =>
  Effect.gen(function* () {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token !== false) headers.authorization = `Bearer ${Redacted.value(yield* tenant.issueToken())}`
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    if (body !== undefined) headers["content-type"] = "application/json"
    const answer = yield* tenant.handle({ method, url, headers, body })
    const text = answer.body
    return {
      status: answer.status,
      headers: answer.headers,
      bytes: answer.bytes,
      json:
        text === "" || !answer.headers["content-type"]?.startsWith("application/json") ? undefined : JSON.parse(text)
    }
  })

const recordedExport = byName("TestJobManager_ExportUsers#2")

// ---------------------------------------------------------------------------
// Through the in-process fake, with the TestClock
// ---------------------------------------------------------------------------

describe("Users.export over the in-process fake", () => {
  it.effect("delivers every user exactly once, as the tenant holds them", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* seedMixed(tenant, 250)
      const exported = yield* driven(Users.export())
      const stored = yield* tenant.users
      assert.strictEqual(exported.length, 250)
      assert.strictEqual(new Set(exported.map((u) => u.user_id)).size, 250)
      const byId = new Map(stored.map((u) => [u.user_id, u]))
      for (const user of exported) assert.deepStrictEqual(user, byId.get(user.user_id!))
    }).pipe(Effect.provide(fake()))
  )

  it.effect("sends the recorded request body, always format json, and polls with the token", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* seedMixed(tenant, 3)
      yield* driven(
        Users.export({
          connection_id: DB_ID,
          limit: 5,
          fields: ["name", "email", { name: "identities[0].connection" }]
        })
      )
      const [create] = yield* apiRequests(tenant, "/api/v2/jobs/users-exports")
      assert.strictEqual(create!.status, 200)
      // Same keys in the same order as Auth0's own SDK sent them.
      assert.strictEqual(create!.body, JSON.stringify(recordedExport.requestBody))
      const polls = yield* apiRequests(tenant, "/api/v2/jobs/job_")
      assert.deepStrictEqual(
        polls.map((r) => [r.method, r.status]),
        [
          ["GET", 200],
          ["GET", 200]
        ]
      )
    }).pipe(Effect.provide(fake()))
  )

  it.effect("the token goes to the API and never to the file's location", () => {
    const sent: Array<Sent> = []
    return Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* seedMixed(tenant, 5)
      assert.strictEqual((yield* driven(Users.export({ fields: ["user_id"] }))).length, 5)
      const downloads = sent.filter((s) => new URL(s.url).pathname.startsWith("/__exports/"))
      assert.strictEqual(downloads.length, 1)
      const location = new URL(downloads[0]!.url)
      assert.strictEqual(location.origin, `https://${tenant.domain}`)
      assert.isTrue(location.searchParams.has("signature"))
      assert.deepStrictEqual(Object.keys(downloads[0]!.headers), [], "no header at all on the download")
      const api = sent.filter((s) => new URL(s.url).pathname.startsWith("/api/v2/"))
      assert.isAtLeast(api.length, 3)
      for (const s of api) assert.match(s.headers["authorization"] ?? "", /^Bearer fake\./)
      // The fake refuses a download that carries any Authorization (as S3 does); this one got the file.
      const [download] = yield* apiRequests(tenant, "/__exports/")
      assert.strictEqual(download!.status, 200)
    }).pipe(Effect.provide(fake({}, sent)))
  })

  it.effect("connection_id: only that connection's users", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const seeded = yield* seedMixed(tenant, 30)
      const google = yield* driven(Users.export({ connection_id: GOOGLE_ID }))
      const db = yield* driven(Users.export({ connection_id: DB_ID }))
      assert.strictEqual(google.length, 10)
      assert.strictEqual(db.length, 20)
      for (const user of google) assert.strictEqual(primaryConnection(user), GOOGLE)
      for (const user of db) assert.strictEqual(primaryConnection(user), DB)
      assert.sameMembers(
        [...google, ...db].map((u) => u.user_id!),
        seeded.map((u) => u.user_id)
      )
    }).pipe(Effect.provide(fake()))
  )

  it.effect("limit: at most that many users", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* seedMixed(tenant, 20)
      assert.strictEqual((yield* driven(Users.export({ limit: 7 }))).length, 7)
      assert.strictEqual((yield* driven(Users.export({ limit: 7, connection_id: GOOGLE_ID }))).length, 7)
      assert.strictEqual((yield* driven(Users.export({ limit: 100 }))).length, 20)
    }).pipe(Effect.provide(fake()))
  )

  it.effect("fields: only those, under export_as, with dotted paths and identities[0].connection", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const [seeded] = yield* tenant.seedUsers([
        {
          connection: DB,
          email: "zoë@example.com",
          user_metadata: { plan: "gold", address: { country: "NZ" } },
          app_metadata: { roles: ["admin"] }
        }
      ])
      const [user] = yield* driven(
        Users.export({
          fields: [
            "user_id",
            "email",
            { name: "user_metadata.plan", export_as: "plan" },
            "user_metadata.address.country",
            { name: "identities[0].connection", export_as: "connection" },
            "identities[0].provider",
            "app_metadata",
            "identities[1].connection",
            "not_there"
          ]
        })
      )
      assert.deepStrictEqual(
        { ...user },
        {
          user_id: seeded!.user_id,
          email: "zoë@example.com",
          plan: "gold",
          "user_metadata.address.country": "NZ",
          connection: DB,
          "identities[0].provider": "auth0",
          app_metadata: { roles: ["admin"] }
        }
      )
    }).pipe(Effect.provide(fake()))
  )

  it.effect("an empty tenant exports nothing", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* driven(Users.export()), [])
    }).pipe(Effect.provide(fake()))
  )

  it.effect("polls with exponential backoff from 500 ms, capped at 10 s", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* seedMixed(tenant, 2)
      assert.strictEqual((yield* driven(Users.export())).length, 2)
      const [create] = yield* apiRequests(tenant, "/api/v2/jobs/users-exports")
      const polls = yield* apiRequests(tenant, "/api/v2/jobs/job_")
      assert.deepStrictEqual(
        polls.map((r) => r.at - create!.at),
        [500, 1500, 3500, 7500, 15500, 25500, 35500, 45500]
      )
      const [download] = yield* apiRequests(tenant, "/__exports/")
      assert.strictEqual(download!.at, polls.at(-1)!.at, "downloaded right after the completing poll")
    }).pipe(Effect.provide(fake({ exportPolls: 7 })))
  )

  it.effect("pollSchedule replaces the backoff; when it ends first, ExportFailed", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* seedMixed(tenant, 2)
      assert.strictEqual((yield* driven(Users.export({ pollSchedule: Schedule.spaced("2 seconds") }))).length, 2)
      const polls = yield* apiRequests(tenant, "/api/v2/jobs/job_")
      assert.deepStrictEqual(
        polls.map((r) => r.at),
        [2000, 4000, 6000]
      )
      const error = yield* Effect.flip(driven(Users.export({ pollSchedule: Schedule.recurs(1) })))
      assert.strictEqual(error._tag, "ExportFailed")
      assert.include(error.message, "poll schedule ended")
    }).pipe(Effect.provide(fake({ exportPolls: 2 })))
  )

  it.effect("exportPolls: 0 completes on the first poll", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* seedMixed(tenant, 4)
      assert.strictEqual((yield* driven(Users.export())).length, 4)
      assert.strictEqual((yield* apiRequests(tenant, "/api/v2/jobs/job_")).length, 1)
    }).pipe(Effect.provide(fake({ exportPolls: 0 })))
  )

  it.effect("a failed job fails the stream with ExportFailed, not retryable", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* seedMixed(tenant, 2)
      const error = yield* Effect.flip(driven(Users.export()))
      if (error._tag !== "ExportFailed") return assert.fail(`expected ExportFailed, got ${error._tag}`)
      assert.match(error.jobId, /^job_[A-Za-z0-9]{16}$/)
      assert.strictEqual(error.status, "failed")
      assert.strictEqual(error.detail, "Failed to export users (injected by the fake tenant).")
      assert.strictEqual(error.method, "GET")
      assert.strictEqual(error.path, `/api/v2/jobs/${error.jobId}`)
      assert.isTrue(Auth0Error.isAuth0Error(error))
      assert.isFalse(Auth0Error.isRetryable(error))
      assert.strictEqual((yield* apiRequests(tenant, "/__exports/")).length, 0)
    }).pipe(Effect.provide(fake({ exportFails: true })))
  )

  it.effect("gives up with ExportFailed after maxWait, with the last status seen", () =>
    Effect.gen(function* () {
      yield* seedMixed(yield* FakeAuth0.Tenant, 2)
      const error = yield* Effect.flip(driven(Users.export({ maxWait: "1 minute" })))
      if (error._tag !== "ExportFailed") return assert.fail(`expected ExportFailed, got ${error._tag}`)
      assert.strictEqual(error.status, "processing")
      assert.include(error.detail, "not completed after 1m")
    }).pipe(Effect.provide(fake({ exportPolls: 1_000_000 })))
  )

  it.effect("the default maxWait is one hour", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(Stream.runDrain(Users.export({ pollSchedule: Schedule.spaced("7 minutes") })))
      yield* TestClock.adjust("59 minutes")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "still waiting at 59 minutes")
      yield* TestClock.adjust("1 minute")
      const error = yield* Effect.flip(Fiber.join(fiber))
      if (error._tag !== "ExportFailed") return assert.fail(error._tag)
      assert.include(error.detail, "not completed after 1h")
    }).pipe(Effect.provide(fake({ exportPolls: 1_000_000 })))
  )

  it.effect("polling is interruptible: no request after the interruption", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const fiber = yield* Effect.fork(Stream.runDrain(Users.export()))
      for (let i = 0; i < 40; i++) yield* TestClock.adjust("500 millis")
      const before = (yield* apiRequests(tenant, "/api/v2/jobs/job_")).length
      assert.isAtLeast(before, 3)
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      yield* TestClock.adjust("10 minutes")
      assert.strictEqual((yield* apiRequests(tenant, "/api/v2/jobs/job_")).length, before)
    }).pipe(Effect.provide(fake({ exportPolls: 1_000_000 })))
  )

  it.effect("stopping early (Stream.take) ends the export cleanly", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* seedMixed(tenant, 300)
      const some = yield* driven(Users.export({ fields: ["user_id"] }).pipe(Stream.take(3)))
      assert.strictEqual(some.length, 3)
    }).pipe(Effect.provide(fake()))
  )

  it.effect("Auth0's 400 for a bad body is a BadRequest", () =>
    Effect.gen(function* () {
      const pattern = yield* Effect.flip(driven(Users.export({ connection_id: "con_nope" })))
      assert.strictEqual(pattern._tag, "BadRequest")
      const unknown = yield* Effect.flip(driven(Users.export({ connection_id: "con_AAAAAAAAAAAAAAAA" })))
      if (unknown._tag !== "BadRequest") return assert.fail(unknown._tag)
      assert.strictEqual(unknown.description, "The connection does not exist.")
      const limit = yield* Effect.flip(driven(Users.export({ limit: 0 })))
      assert.strictEqual(limit._tag, "BadRequest")
    }).pipe(Effect.provide(fake()))
  )

  it("has exactly the documented error channel", () => {
    type Export = ReturnType<typeof Users.export>
    expectTypeOf<Stream.Stream.Error<Export>>().toEqualTypeOf<Auth0Error.Common | Auth0Error.ExportFailed>()
    expectTypeOf<Stream.Stream.Context<Export>>().toEqualTypeOf<Auth0Http.Auth0Http>()
    expectTypeOf<Stream.Stream.Success<Export>>().toMatchTypeOf<Users.ExportedUser>()
    expectTypeOf<Parameters<typeof Users.export>>().toEqualTypeOf<[options?: Users.ExportOptions]>()
  })
})

// ---------------------------------------------------------------------------
// Served on loopback, through undici
// ---------------------------------------------------------------------------

describe("Users.export over the served fake", () => {
  it.scopedLive(
    "10,000 users, each exactly once, downloaded from the server's own origin without the token",
    () =>
      Effect.gen(function* () {
        const tenant = yield* FakeAuth0.make({ exportPolls: 2 })
        const seeded = yield* tenant.seedUsers(
          Array.from({ length: 10_000 }, (_, i) =>
            i % 2 === 0
              ? { connection: DB, username: `user${i}`, user_metadata: { index: i, note: "ünïcødé ✓" } }
              : { connection: GOOGLE, name: `Google User ${i}` }
          )
        )
        const baseUrl = yield* FakeAuth0.serve({ tenant })
        const sent: Array<Sent> = []
        const live = Auth0Http.layer({
          domain: tenant.domain,
          baseUrl,
          clientId: tenant.clientId,
          clientSecret: tenant.clientSecret,
          transformClient: recorder(sent)
        }).pipe(Layer.provide(NodeHttpClient.layerUndici))
        const started = Date.now()
        const users = yield* Users.export({
          fields: ["user_id", "username", { name: "user_metadata.index", export_as: "index" }, "user_metadata"],
          pollSchedule: Schedule.spaced("10 millis")
        }).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray), Effect.provide(live))
        const elapsed = Date.now() - started
        assert.strictEqual(users.length, 10_000)
        assert.strictEqual(new Set(users.map((u) => u.user_id)).size, 10_000)
        assert.sameMembers(
          users.map((u) => u.user_id!),
          seeded.map((u) => u.user_id)
        )
        const withIndex = users.filter((u) => u.index !== undefined)
        assert.strictEqual(withIndex.length, 5_000)
        for (const u of withIndex) assert.deepStrictEqual(u.user_metadata, { index: u.index, note: "ünïcødé ✓" })
        const downloads = sent.filter((s) => s.url.includes("/__exports/"))
        assert.strictEqual(downloads.length, 1)
        assert.isTrue(downloads[0]!.url.startsWith(`${baseUrl}/__exports/job_`))
        assert.isUndefined(downloads[0]!.headers["authorization"])
        assert.isBelow(elapsed, 10_000, `took ${elapsed} ms`)
      }),
    30_000
  )

  it.scopedLive("a failed job and a bad connection over the wire", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make({ exportFails: true })
      const baseUrl = yield* FakeAuth0.serve({ tenant })
      const live = Auth0Http.layer({
        domain: tenant.domain,
        baseUrl,
        clientId: tenant.clientId,
        clientSecret: tenant.clientSecret
      }).pipe(Layer.provide(NodeHttpClient.layerUndici))
      const fast = { pollSchedule: Schedule.spaced("5 millis") }
      const failed = yield* Effect.flip(Stream.runDrain(Users.export(fast)).pipe(Effect.provide(live)))
      assert.strictEqual(failed._tag, "ExportFailed")
      const bad = yield* Effect.flip(
        Stream.runDrain(Users.export({ ...fast, connection_id: "con_x" })).pipe(Effect.provide(live))
      )
      assert.strictEqual(bad._tag, "BadRequest")
    })
  )
})

// ---------------------------------------------------------------------------
// Against scripted answers: what the fake never sends
// ---------------------------------------------------------------------------

const JOB = "job_scriptedJob00001"
const LOCATION = "https://auth0-exports.s3.amazonaws.com/tenant/job.json.gz?X-Amz-Signature=s3cr3tsignature"

const scripted = (file: () => Response, job: Record<string, unknown> = {}, log: Array<Seen> = []) =>
  Auth0Http.layer({ domain: "tenant.eu.auth0.com", token: Redacted.make("tok"), retry: false }).pipe(
    Layer.provide(
      fakeHttp((seen) => {
        if (seen.method === "POST") return json({ type: "users_export", status: "pending", id: JOB, format: "json" })
        if (seen.url.pathname === `/api/v2/jobs/${JOB}`)
          return json({ type: "users_export", id: JOB, status: "completed", location: LOCATION, ...job })
        return file()
      }, log)
    )
  )

const fileOf = (text: string) => () => new Response(gzip(text))

describe("Users.export: a download that fails mid-way is resumed", () => {
  const lines = Array.from({ length: 400 }, (_, i) =>
    JSON.stringify({ user_id: `auth0|${i}`, salt: Math.random().toString(36).repeat(4) })
  )
  const file = gzip(lines.join("\n"))
  const ids = lines.map((_, i) => `auth0|${i}`)

  /** Sends half of `bytes`, then the connection drops. */
  const cut = (bytes: Uint8Array, init: ResponseInit = {}) => {
    let sent = false
    return new Response(
      new ReadableStream<Uint8Array>({
        // Erroring in `start` would discard the queued half: the reader must have taken it first.
        pull(controller) {
          if (sent) return controller.error(new Error("connection reset"))
          sent = true
          controller.enqueue(bytes.slice(0, Math.ceil(bytes.length / 2)))
        }
      }),
      init
    )
  }

  /** Sends `bytes`, then neither another byte nor an end. */
  const stalled = (bytes: Uint8Array) => {
    let sent = false
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return new Promise<void>(() => {})
          sent = true
          controller.enqueue(bytes.slice())
        }
      })
    )
  }

  /** Where a download asked to start: its `Range`, or 0 for none. */
  const startOf = (seen: Seen) => Number(/^bytes=(\d+)-$/.exec(seen.headers["range"] ?? "")?.[1] ?? 0)

  /** A `206` with the file from `start` on, as a server that honours ranges answers. */
  const partial = (start: number): ResponseInit => ({
    status: 206,
    headers: { "content-range": `bytes ${start}-${file.length - 1}/${file.length}` }
  })

  /** The export delivers every user once, in order. */
  const everyUser = (step?: Duration.DurationInput) =>
    Effect.gen(function* () {
      const users = yield* driven(Users.export(), step)
      assert.deepStrictEqual(
        users.map((u) => u.user_id),
        ids
      )
    })

  /** Every user once, in order, after downloads that asked for these ranges. */
  const deliveredAfter = (log: ReadonlyArray<Seen>, ranges: ReadonlyArray<string | undefined>) =>
    Effect.gen(function* () {
      // The layer's default timeout, 30 seconds, is the longest wait for a chunk.
      yield* everyUser("1 second")
      assert.deepStrictEqual(
        downloads(log).map((seen) => seen.headers["range"]),
        ranges
      )
    })

  /** The export's API answers scripted; every download of the file goes to `file`. */
  const withFile = (
    answer: (seen: Seen, attempt: number) => Response,
    log: Array<Seen>,
    retry: Retry.Policy | false = Retry.policy({ base: "10 millis" })
  ) => {
    let attempt = 0
    return Auth0Http.layer({ domain: "tenant.eu.auth0.com", token: Redacted.make("tok"), retry }).pipe(
      Layer.provide(
        fakeHttp((seen) => {
          if (seen.method === "POST") return json({ type: "users_export", status: "pending", id: JOB, format: "json" })
          if (seen.url.pathname === `/api/v2/jobs/${JOB}`)
            return json({ type: "users_export", id: JOB, status: "completed", location: LOCATION })
          return answer(seen, attempt++)
        }, log)
      )
    )
  }
  const downloads = (log: ReadonlyArray<Seen>) => log.filter((seen) => seen.url.host !== "tenant.eu.auth0.com")

  it.effect("a server that honours Range: each attempt goes on from the last byte received", () => {
    const log: Array<Seen> = []
    return Effect.gen(function* () {
      yield* everyUser()
      const ranges = downloads(log).map((seen) => seen.headers["range"])
      assert.isAtLeast(
        ranges.length,
        5,
        `the file (${file.length} bytes) was cut off again and again: ${ranges.join(", ")}`
      )
      assert.isUndefined(ranges[0])
      // Each answer sent half of what was asked for: the next attempt starts at that byte.
      let received = 0
      for (const range of ranges.slice(1)) {
        received += Math.ceil((file.length - received) / 2)
        assert.strictEqual(range, `bytes=${received}-`)
      }
      assert.isTrue(downloads(log).every((seen) => seen.headers["authorization"] === undefined))
    }).pipe(
      Effect.provide(
        withFile((seen) => {
          const start = startOf(seen)
          const rest = file.subarray(start)
          const init = start === 0 ? {} : partial(start)
          // The last bytes come whole, else every answer would be cut.
          return rest.length < 200 ? new Response(rest, init) : cut(rest, init)
        }, log)
      )
    )
  })

  it.effect("a server that ignores Range: the file starts over and the bytes already read are skipped", () => {
    const log: Array<Seen> = []
    return Effect.gen(function* () {
      yield* everyUser()
      assert.strictEqual(downloads(log).length, 3)
    }).pipe(Effect.provide(withFile((_, attempt) => (attempt < 2 ? cut(file) : new Response(file)), log)))
  })

  it.effect("a body that stalls for the timeout is resumed like a reset", () => {
    const log: Array<Seen> = []
    return deliveredAfter(log, [undefined, `bytes=${Math.ceil(file.length / 2)}-`]).pipe(
      Effect.provide(
        withFile((seen) => {
          const start = startOf(seen)
          return start === 0
            ? stalled(file.subarray(0, Math.ceil(file.length / 2)))
            : new Response(file.subarray(start), partial(start))
        }, log)
      )
    )
  })

  it.effect("a body that breaks off after its last byte: the resume's 416 ends the file, it does not fail it", () => {
    const log: Array<Seen> = []
    return deliveredAfter(log, [undefined, `bytes=${file.length}-`]).pipe(
      Effect.provide(
        withFile(
          (seen) =>
            seen.headers["range"] === undefined
              ? stalled(file)
              : new Response("<Error><Code>InvalidRange</Code></Error>", {
                  status: 416,
                  headers: { "content-range": `bytes */${file.length}` }
                }),
          log
        )
      )
    )
  })

  it.effect("a 206 for another range than asked is a DecodeError, not a garbled file", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(driven(Users.export()))
      if (error._tag !== "DecodeError") return assert.fail(error._tag)
      assert.include(error.detail, "resume the download at byte")
    }).pipe(Effect.provide(withFile((_, attempt) => (attempt === 0 ? cut(file) : new Response(file, partial(0))), [])))
  )

  it.effect("failures in a row without a new byte are bounded by the retry policy; retry: false never resumes", () =>
    Effect.gen(function* () {
      const log: Array<Seen> = []
      const slowDown = () => new Response("<Error><Code>SlowDown</Code></Error>", { status: 503 })
      const failed = yield* Effect.flip(
        driven(Users.export()).pipe(
          Effect.provide(
            withFile(
              (seen, attempt) =>
                attempt === 0
                  ? cut(file)
                  : attempt === 1
                    ? cut(file.subarray(startOf(seen)), partial(startOf(seen)))
                    : slowDown(),
              log,
              Retry.policy({ times: 2, base: "10 millis" })
            )
          )
        )
      )
      assert.strictEqual(failed._tag, "ServerError")
      // Both cuts made progress, so the count starts again after each: 2 cuts, then 1 + 2 retries of
      // 503s. Without the new start it would stop after 3 (the second cut used the first retry).
      assert.strictEqual(downloads(log).length, 4)
      const once: Array<Seen> = []
      const cutOnce = yield* Effect.flip(
        driven(Users.export()).pipe(Effect.provide(withFile(() => cut(file), once, false)))
      )
      assert.strictEqual(cutOnce._tag, "TransportError")
      assert.strictEqual(downloads(once).length, 1)
      const expired: Array<Seen> = []
      const forbidden = yield* Effect.flip(
        driven(Users.export()).pipe(
          Effect.provide(
            withFile(() => new Response("<Error><Code>AccessDenied</Code></Error>", { status: 403 }), expired)
          )
        )
      )
      assert.strictEqual(forbidden._tag, "Forbidden")
      assert.strictEqual(downloads(expired).length, 1)
    })
  )
})

describe("Users.export against scripted answers", () => {
  it.effect("a line that is not JSON is a DecodeError naming its number, not its content", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(driven(Users.export()))
      if (error._tag !== "DecodeError") return assert.fail(error._tag)
      assert.strictEqual(error.path, "/tenant/job.json.gz")
      assert.strictEqual(error.status, 200)
      assert.include(error.detail, "line 3")
      assert.notInclude(error.message, "leak")
      assert.notInclude(error.message, "s3cr3t")
      // The users before the bad line were delivered.
      const before = yield* driven(Users.export().pipe(Stream.catchAll(() => Stream.empty)))
      assert.deepStrictEqual(
        before.map((u) => u.email),
        ["a@example.com"]
      )
    }).pipe(
      Effect.provide(
        scripted(fileOf('{"email":"a@example.com"}\n\n{"email":"leak@example.com",\n{"email":"c@example.com"}\n'))
      )
    )
  )

  it.effect("a line of the wrong shape is a DecodeError naming its number and the field, not the value", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(driven(Users.export()))
      if (error._tag !== "DecodeError") return assert.fail(error._tag)
      assert.include(error.detail, "line 2")
      assert.include(error.detail, "email")
      assert.notInclude(error.detail, "4242")
      const notObject = yield* Effect.flip(
        driven(Users.export()).pipe(Effect.provide(scripted(fileOf('{"user_id":"auth0|1"}\n[1,2]\n'))))
      )
      assert.include(notObject.message, "line 2")
    }).pipe(Effect.provide(scripted(fileOf('{"email":"a@example.com"}\r\n{"email":4242}\r\n'))))
  )

  it.effect("CRLF, empty lines and a last line without newline", () =>
    Effect.gen(function* () {
      const users = yield* driven(Users.export())
      assert.deepStrictEqual(
        users.map((u) => u.user_id),
        ["auth0|1", "auth0|2", "auth0|3"]
      )
    }).pipe(
      Effect.provide(
        scripted(fileOf('\r\n{"user_id":"auth0|1"}\r\n\r\n  \n{"user_id":"auth0|2"}\n{"user_id":"auth0|3"}'))
      )
    )
  )

  it.effect("a location that is not gzip is a DecodeError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(driven(Users.export()))
      assert.strictEqual(error._tag, "DecodeError")
      assert.include(error.message, "not valid gzip")
    }).pipe(Effect.provide(scripted(() => new Response('{"user_id":"auth0|1"}\n'))))
  )

  it.effect("the location answering 403 (expired link) is Forbidden, sent without the token", () => {
    const log: Array<Seen> = []
    return Effect.gen(function* () {
      const error = yield* Effect.flip(driven(Users.export()))
      assert.strictEqual(error._tag, "Forbidden")
      const download = log.find((s) => s.url.host === "auth0-exports.s3.amazonaws.com")
      assert.isDefined(download)
      assert.isUndefined(download!.headers["authorization"])
      assert.strictEqual(download!.url.searchParams.get("X-Amz-Signature"), "s3cr3tsignature")
      for (const s of log.filter((s) => s.url.host === "tenant.eu.auth0.com"))
        assert.strictEqual(s.headers["authorization"], "Bearer tok")
    }).pipe(
      Effect.provide(scripted(() => new Response("<Error><Code>AccessDenied</Code></Error>", { status: 403 }), {}, log))
    )
  })

  it.effect("a job that disappears is ExportFailed (not_found)", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(driven(Users.export()))
      if (error._tag !== "ExportFailed") return assert.fail(error._tag)
      assert.strictEqual(error.status, "not_found")
      assert.include(error.detail, "Job not found.")
    }).pipe(
      Effect.provide(
        Auth0Http.layer({ domain: "tenant.eu.auth0.com", token: Redacted.make("tok"), retry: false }).pipe(
          Layer.provide(
            fakeHttp((seen) =>
              seen.method === "POST"
                ? json({ type: "users_export", status: "pending", id: JOB })
                : json({ statusCode: 404, error: "Not Found", message: "Job not found." }, 404)
            )
          )
        )
      )
    )
  )

  it.effect("a completed job without a location is a DecodeError; an unknown status is ExportFailed", () =>
    Effect.gen(function* () {
      const noLocation = yield* Effect.flip(
        driven(Users.export()).pipe(Effect.provide(scripted(fileOf(""), { location: null })))
      )
      assert.strictEqual(noLocation._tag, "DecodeError")
      const weird = yield* Effect.flip(
        driven(Users.export()).pipe(Effect.provide(scripted(fileOf(""), { status: "exploded" })))
      )
      if (weird._tag !== "ExportFailed") return assert.fail(weird._tag)
      assert.strictEqual(weird.status, "exploded")
    })
  )
})

// ---------------------------------------------------------------------------
// The decoder on its own
// ---------------------------------------------------------------------------

describe("decodeFile (gunzip, lines, JSON, schema)", () => {
  const people = [
    { user_id: "auth0|1", name: "Zoë Ångström" },
    { user_id: "auth0|2", name: "日本語の名前" },
    { user_id: "auth0|3", name: "emoji 🎉🎉🎉", user_metadata: { a: [1, 2, 3] } }
  ]
  const ndjson = people.map((p) => JSON.stringify(p)).join("\n") + "\n"

  it.effect("decodes a hand-made gzip of NDJSON fed in odd-sized chunks", () =>
    Effect.gen(function* () {
      const bytes = gzip(ndjson.repeat(50))
      for (const sizes of [[1], [3, 7], [13, 1, 29], [bytes.length]]) {
        const users = yield* Stream.runCollect(ExportFile.decodeFile(chunked(bytes, sizes), "/file.json.gz"))
        assert.strictEqual(users.length, 150)
        assert.deepStrictEqual(Chunk.toReadonlyArray(users).slice(0, 3), people)
      }
    })
  )

  it.effect("a download chunk far bigger than the decompressor's slice decodes whole", () =>
    Effect.gen(function* () {
      // Random salts keep the gzip large: several 16 KiB slices in one chunk.
      const lines = Array.from({ length: 6000 }, (_, i) =>
        JSON.stringify({ user_id: `auth0|${i}`, salt: Math.random().toString(36).repeat(3) })
      )
      const bytes = gzip(lines.join("\n"))
      assert.isAbove(bytes.length, 4 * 16 * 1024)
      const users = yield* Stream.runCollect(ExportFile.decodeFile(chunked(bytes, [bytes.length]), "/f"))
      assert.deepStrictEqual(
        Chunk.toReadonlyArray(users).map((u) => u.user_id),
        lines.map((_, i) => `auth0|${i}`)
      )
    })
  )

  it.effect('a line the schema must convert takes the schema\'s path ("true" is a boolean)', () =>
    Effect.gen(function* () {
      const text = '{"user_id":"auth0|1","email_verified":"true"}\n{"user_id":"auth0|2","email_verified":false}\n'
      const users = yield* Stream.runCollect(ExportFile.decodeFile(chunked(gzip(text), [7]), "/f"))
      assert.deepStrictEqual(Chunk.toReadonlyArray(users), [
        { user_id: "auth0|1", email_verified: true },
        { user_id: "auth0|2", email_verified: false }
      ])
    })
  )

  it.effect("a gzip of several members (concatenated files) decodes as one", () =>
    Effect.gen(function* () {
      const bytes = new Uint8Array([...gzip(ndjson), ...gzip(ndjson)])
      const users = yield* Stream.runCollect(ExportFile.decodeFile(chunked(bytes, [17]), "/f"))
      assert.strictEqual(users.length, 6)
    })
  )

  it.effect("a truncated gzip is a DecodeError", () =>
    Effect.gen(function* () {
      const bytes = gzip(ndjson.repeat(20))
      const error = yield* Effect.flip(
        Stream.runDrain(ExportFile.decodeFile(chunked(bytes.slice(0, bytes.length - 12), [64]), "/f"))
      )
      assert.strictEqual(error._tag, "DecodeError")
    })
  )

  it.effect("the upstream's own typed failure comes out as is", () =>
    Effect.gen(function* () {
      const cut = new Auth0Error.TransportError({ method: "GET", path: "/f", reason: "Transport", detail: "reset" })
      const bytes = gzip(ndjson.repeat(200))
      const upstream = Stream.concat(chunked(bytes.slice(0, bytes.length / 2), [100]), Stream.fail(cut))
      const error = yield* Effect.flip(Stream.runDrain(ExportFile.decodeFile(upstream, "/f")))
      assert.strictEqual(error, cut)
    })
  )

  it.effect("an upstream that fails right after a whole line fails the stream: nothing ends quietly", () =>
    Effect.gen(function* () {
      const cut = new Auth0Error.TransportError({ method: "GET", path: "/f", reason: "Transport", detail: "reset" })
      const text = ndjson.repeat(100)
      // Compress the lines in two sync-flushed parts: the first part ends exactly at a newline.
      const deflate = Zlib.createGzip()
      const head = yield* Effect.promise(
        () =>
          new Promise<Buffer>((resolve) => {
            const parts: Array<Buffer> = []
            deflate.on("data", (b: Buffer) => parts.push(b))
            deflate.write(Buffer.from(ndjson.repeat(40), "utf8"))
            deflate.flush(Zlib.constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(parts)))
          })
      )
      assert.isBelow(head.length, gzip(text).length)
      const users: Array<unknown> = []
      const error = yield* Effect.flip(
        Stream.runForEach(
          ExportFile.decodeFile(Stream.concat(chunked(new Uint8Array(head), [64]), Stream.fail(cut)), "/f"),
          (user) => Effect.sync(() => users.push(user))
        )
      )
      assert.strictEqual(error, cut)
      assert.strictEqual(users.length, 120, "every whole line before the cut was delivered")
    })
  )

  it.effect("an upstream that fails right after a whole gzip member fails the stream too", () =>
    Effect.gen(function* () {
      // The decompressor ends cleanly there: only the feed knows the file was cut.
      const cut = new Auth0Error.TransportError({ method: "GET", path: "/f", reason: "Transport", detail: "reset" })
      const users: Array<unknown> = []
      const error = yield* Effect.flip(
        Stream.runForEach(
          ExportFile.decodeFile(Stream.concat(Stream.make(gzip(ndjson.repeat(10))), Stream.fail(cut)), "/f"),
          (user) => Effect.sync(() => users.push(user))
        )
      )
      assert.strictEqual(error, cut)
      assert.strictEqual(users.length, 30)
    })
  )

  it.effect("reads the upstream only as fast as users are consumed, and stops it when the consumer does", () =>
    Effect.gen(function* () {
      const lines = Array.from({ length: 20_000 }, (_, i) =>
        JSON.stringify({ user_id: `auth0|${i}`, salt: Math.random().toString(36) })
      )
      const bytes = gzip(lines.join("\n"))
      let pulled = 0
      let finalized = false
      const upstream = chunked(bytes, [512]).pipe(
        Stream.tap(() => Effect.sync(() => pulled++)),
        Stream.ensuring(Effect.sync(() => (finalized = true)))
      )
      const total = Math.ceil(bytes.length / 512)
      const first = yield* Stream.runCollect(ExportFile.decodeFile(upstream, "/f").pipe(Stream.take(5)))
      assert.strictEqual(first.length, 5)
      assert.isBelow(pulled, total / 4, `pulled ${pulled} of ${total} chunks for 5 users`)
      assert.isTrue(finalized)
    })
  )
})

describe("isDecodedExportedUser: the fast path past the schema", () => {
  const decode = Schema.decodeUnknownEither(ExportedUser)
  const isExportedUser = Schema.is(ExportedUser)
  const jsonValue = FastCheck.jsonValue({ maxDepth: 2 })
  // Lines as JSON.parse gives them: mostly the known fields with right or wrong types, plus others.
  const line = FastCheck.oneof(
    jsonValue,
    FastCheck.record(
      {
        user_id: FastCheck.oneof(FastCheck.string(), jsonValue),
        email: FastCheck.oneof(FastCheck.string(), jsonValue),
        email_verified: FastCheck.oneof(FastCheck.boolean(), FastCheck.constantFrom("true", "false", "yes"), jsonValue),
        name: FastCheck.string(),
        app_metadata: FastCheck.oneof(FastCheck.dictionary(FastCheck.string(), jsonValue), jsonValue),
        user_metadata: FastCheck.oneof(FastCheck.dictionary(FastCheck.string(), jsonValue), FastCheck.array(jsonValue)),
        logins_count: FastCheck.integer(),
        identities: FastCheck.array(FastCheck.dictionary(FastCheck.string(), jsonValue), { maxLength: 2 })
      },
      { requiredKeys: [] }
    )
  )

  it("whatever it accepts, the schema decodes to an equal value", () => {
    FastCheck.assert(
      FastCheck.property(line, (value) => {
        if (!ExportFile.isDecodedExportedUser(value)) return
        const decoded = decode(value)
        assert.isTrue(Either.isRight(decoded), JSON.stringify(value))
        assert.deepStrictEqual(Either.getOrThrow(decoded), value)
      }),
      { numRuns: 5000 }
    )
  })

  it("accepts every decoded user, so the fast path is the common one", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(ExportedUser), (user) => {
        // Schema values (the Type side) are what a well-formed line parses to. A `__proto__`
        // key is the one case left to the schema on purpose. The arbitrary sometimes lets the
        // index signature overwrite a typed field (`name: {}`): only values the schema takes count.
        const text = JSON.stringify(user)
        FastCheck.pre(!text.includes('"__proto__"'))
        const parsed: unknown = JSON.parse(text)
        FastCheck.pre(isExportedUser(parsed))
        assert.isTrue(ExportFile.isDecodedExportedUser(parsed), JSON.stringify(parsed))
      }),
      { numRuns: 2000 }
    )
  })

  it("leaves the wrong shapes to the schema", () => {
    for (const value of [
      null,
      [1],
      "x",
      { email: 1 },
      { email_verified: "true" },
      JSON.parse('{"__proto__":{"polluted":true}}'),
      { app_metadata: [] },
      { user_metadata: null }
    ]) {
      assert.isFalse(ExportFile.isDecodedExportedUser(value), JSON.stringify(value))
    }
  })

  it("takes metadata with a `__proto__` key as it is: the schema keeps that key as data too (issue #10)", () => {
    const value: unknown = JSON.parse('{"app_metadata":{"__proto__":{"admin":true}}}')
    assert.isTrue(ExportFile.isDecodedExportedUser(value))
    const decoded = Either.getOrThrow(decode(value))
    assert.strictEqual(JSON.stringify(decoded), JSON.stringify(value))
    assert.strictEqual(Object.getPrototypeOf(decoded.app_metadata), Object.prototype)
  })
})

// ---------------------------------------------------------------------------
// The fake tenant's side, raw
// ---------------------------------------------------------------------------

describe("FakeAuth0 export jobs", () => {
  it.effect("answers the recorded request like the recorded response", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make()
      const answer = yield* raw(tenant, "POST", "/api/v2/jobs/users-exports", { body: recordedExport.requestBody })
      assert.strictEqual(answer.status, 200)
      const want = recordedExport.responseBody as Record<string, unknown>
      assert.deepStrictEqual(Object.keys(answer.json), Object.keys(want))
      assert.deepStrictEqual({ ...answer.json, id: want.id, created_at: want.created_at }, want)
      assert.match(answer.json.id, /^job_[A-Za-z0-9]{16}$/)
    })
  )

  it.effect("validates the body as Auth0 does, and never crashes on a strange one", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make()
      const post = (body: unknown) => raw(tenant, "POST", "/api/v2/jobs/users-exports", { body })
      const extra = yield* post({ format: "json", include: "all" })
      assert.strictEqual(extra.status, 400)
      assert.strictEqual(extra.json.errorCode, "invalid_body")
      assert.include(extra.json.message, "Additional properties not allowed: include")
      const pattern = yield* post({ connection_id: "con_short" })
      assert.strictEqual(pattern.status, 400)
      assert.include(pattern.json.message, "^con_[A-Za-z0-9]{16}$")
      const unknown = yield* post({ connection_id: "con_AAAAAAAAAAAAAAAA" })
      assert.strictEqual(unknown.status, 400)
      assert.strictEqual(unknown.json.message, "The connection does not exist.")
      const weird: ReadonlyArray<unknown> = [
        null,
        [],
        "x",
        42,
        { format: "xml" },
        { limit: 0 },
        { limit: 1.5 },
        { limit: "5" },
        { fields: "email" },
        { fields: [null] },
        { fields: [{}] },
        { fields: [{ name: 1 }] },
        { fields: [{ name: "" }] },
        { fields: [{ name: "email", export_as: 3 }] },
        { fields: [{ name: "email", as: "e" }] },
        { connection_id: 7 }
      ]
      for (const body of weird) {
        const answer = yield* post(body)
        assert.strictEqual(answer.status, 400, JSON.stringify(body))
      }
      const notJson = yield* raw(tenant, "POST", "/api/v2/jobs/users-exports", { rawBody: "{" })
      assert.strictEqual(notJson.status, 400)
      assert.strictEqual((yield* post({})).status, 200)
      assert.strictEqual((yield* raw(tenant, "POST", "/api/v2/jobs/users-exports")).status, 200)
      assert.strictEqual((yield* post({ format: "csv", limit: 1, fields: [] })).status, 200)
    })
  )

  it.effect("GET /jobs/{id}: 404 for an unknown job, pending, processing, then completed", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make({ exportPolls: 3 })
      const missing = yield* raw(tenant, "GET", "/api/v2/jobs/job_AAAAAAAAAAAAAAAA")
      assert.strictEqual(missing.status, 404)
      assert.strictEqual(missing.json.message, "Job not found.")
      const { json: job } = yield* raw(tenant, "POST", "/api/v2/jobs/users-exports", { body: { format: "json" } })
      const statuses: Array<string> = []
      for (let i = 0; i < 5; i++) statuses.push((yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`)).json.status)
      assert.deepStrictEqual(statuses, ["pending", "processing", "processing", "completed", "completed"])
      const unauthorized = yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`, { token: false })
      assert.strictEqual(unauthorized.status, 401)
    })
  )

  it.effect("the signed location: the file once, refused with a token, a bad signature, or when expired", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make({ exportPolls: 0 })
      yield* seedMixed(tenant, 3)
      const { json: job } = yield* raw(tenant, "POST", "/api/v2/jobs/users-exports", {
        body: { format: "json", fields: [{ name: "email" }] }
      })
      const { json: done } = yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`)
      const location = new URL(done.location)
      const path = `${location.pathname}${location.search}`
      assert.strictEqual(location.origin, `https://${tenant.domain}`)
      assert.strictEqual(location.pathname, `/__exports/${job.id}.json.gz`)
      const ok = yield* raw(tenant, "GET", path, { token: false })
      assert.strictEqual(ok.status, 200)
      assert.strictEqual(ok.headers["content-type"], "application/gzip")
      const lines = Zlib.gunzipSync(ok.bytes!).toString("utf8").trim().split("\n")
      assert.sameMembers(
        lines.map((l) => JSON.parse(l).email),
        ["g0@example.com", "u1@example.com", "u2@example.com"]
      )
      assert.strictEqual((yield* raw(tenant, "GET", path)).status, 400, "an Authorization header is refused")
      const forged = path.replace(/signature=[0-9a-f]+/, "signature=00")
      assert.strictEqual((yield* raw(tenant, "GET", forged, { token: false })).status, 403)
      assert.strictEqual((yield* raw(tenant, "GET", "/__exports/job_nope.json.gz", { token: false })).status, 404)
      assert.strictEqual((yield* raw(tenant, "POST", path, { token: false })).status, 405)
      yield* TestClock.adjust("61 seconds")
      assert.strictEqual((yield* raw(tenant, "GET", path, { token: false })).status, 403, "expired")
      // A new poll hands out a fresh link to the same file.
      const { json: again } = yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`)
      const fresh = new URL(again.location)
      const reread = yield* raw(tenant, "GET", `${fresh.pathname}${fresh.search}`, { token: false })
      assert.deepStrictEqual(reread.bytes, ok.bytes)
      // Auth0 forgets jobs after 24 hours.
      yield* TestClock.adjust("24 hours")
      assert.strictEqual((yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`)).status, 404)
    })
  )

  it.effect("the file answers Range: bytes={start}- as S3 does, and fails as a flaky S3 when asked to", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make({ exportPolls: 0 })
      yield* seedMixed(tenant, 3)
      const { json: job } = yield* raw(tenant, "POST", "/api/v2/jobs/users-exports", { body: { format: "json" } })
      const { json: done } = yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`)
      const location = new URL(done.location)
      const path = `${location.pathname}${location.search}`
      const whole = yield* raw(tenant, "GET", path, { token: false })
      assert.strictEqual(whole.headers["accept-ranges"], "bytes")
      const size = whole.bytes!.length
      const part = yield* raw(tenant, "GET", path, { token: false, headers: { range: "bytes=10-" } })
      assert.strictEqual(part.status, 206)
      assert.strictEqual(part.headers["content-range"], `bytes 10-${size - 1}/${size}`)
      assert.deepStrictEqual(part.bytes, whole.bytes!.subarray(10))
      const past = yield* raw(tenant, "GET", path, { token: false, headers: { range: `bytes=${size}-` } })
      assert.strictEqual(past.status, 416)
      assert.strictEqual(past.headers["content-range"], `bytes */${size}`)
      // Other range forms get the whole file, which HTTP allows.
      const suffix = yield* raw(tenant, "GET", path, { token: false, headers: { range: "bytes=-5" } })
      assert.strictEqual(suffix.status, 200)
      yield* tenant.setFaults({ serverError: 1 })
      assert.strictEqual((yield* raw(tenant, "GET", path, { token: false })).status, 200, "files spared by default")
      yield* tenant.setFaults({ serverError: 1, includeFiles: true })
      const slow = yield* raw(tenant, "GET", path, { token: false })
      assert.strictEqual(slow.status, 503)
      assert.strictEqual(slow.headers["content-type"], "application/xml")
      // Bytes have no JSON to spoil: a drawn `malformed` leaves the file whole and unmarked.
      yield* tenant.setFaults({ malformed: 1, includeFiles: true })
      const whole2 = yield* raw(tenant, "GET", path, { token: false })
      assert.deepStrictEqual(whole2.bytes, whole.bytes)
      assert.isUndefined((yield* tenant.requests).at(-1)!.fault)
    })
  )

  it.effect("the file is the tenant at completion, not at creation", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make({ exportPolls: 1 })
      yield* seedMixed(tenant, 2)
      const { json: job } = yield* raw(tenant, "POST", "/api/v2/jobs/users-exports", { body: { format: "json" } })
      yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`)
      yield* tenant.seedUsers([{ connection: GOOGLE, email: "late@example.com" }])
      const { json: done } = yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`)
      const location = new URL(done.location)
      const file = yield* raw(tenant, "GET", `${location.pathname}${location.search}`, { token: false })
      assert.strictEqual(Zlib.gunzipSync(file.bytes!).toString("utf8").trim().split("\n").length, 3)
    })
  )

  it.effect("csv: a header row and Auth0's escaping", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make({ exportPolls: 0 })
      yield* tenant.seedUsers([{ connection: DB, email: "a@example.com", name: 'Say "hi", =cmd' }])
      const { json: job } = yield* raw(tenant, "POST", "/api/v2/jobs/users-exports", {
        body: {
          format: "csv",
          fields: [{ name: "email" }, { name: "name", export_as: "full name" }, { name: "logins_count" }]
        }
      })
      const { json: done } = yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`)
      const location = new URL(done.location)
      assert.isTrue(location.pathname.endsWith(".csv.gz"))
      const file = yield* raw(tenant, "GET", `${location.pathname}${location.search}`, { token: false })
      assert.strictEqual(
        Zlib.gunzipSync(file.bytes!).toString("utf8"),
        `"email","full name","logins_count"\n"'a@example.com","'Say ""hi"", =cmd",\n`
      )
    })
  )

  it.effect("a large export is one valid gzip member", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make({ exportPolls: 0 })
      yield* tenant.seedUsers(
        Array.from({ length: 3000 }, (_, i) => ({ connection: DB, username: `u${i}`, user_metadata: { i } }))
      )
      const { json: job } = yield* raw(tenant, "POST", "/api/v2/jobs/users-exports", { body: { format: "json" } })
      const { json: done } = yield* raw(tenant, "GET", `/api/v2/jobs/${job.id}`)
      const location = new URL(done.location)
      const file = yield* raw(tenant, "GET", `${location.pathname}${location.search}`, { token: false })
      // gunzipSync checks the CRC-32 and the size in the trailer.
      const text = Zlib.gunzipSync(file.bytes!).toString("utf8")
      assert.strictEqual(text.trim().split("\n").length, 3000)
      assert.isAbove(text.length, 256 * 1024, "spans several compressed batches")
    })
  )
})
