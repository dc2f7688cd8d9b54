import { assert, describe, it } from "@effect/vitest"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { Chunk, Effect, Fiber, Layer, Option, Redacted, Stream, TestClock } from "effect"
import * as Zlib from "node:zlib"
import { Auth0Error, Auth0Http, Users } from "../src/index.js"
import * as ExportFile from "../src/internal/exportFile.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { loopback } from "./loopback.js"
import { DOMAIN, fakeHttp, json } from "./utils.js"

// Small limits keep these fast: the mechanism is the same at the 16 MiB default.
const LIMIT = 64 * 1024
const CHUNK = 16 * 1024

/** A body of `total` bytes (Infinity: endless), enqueued one chunk per read, so `sent` is what was read. */
const countingBody = (total: number, options: { readonly stall?: boolean } = {}) => {
  const state = { sent: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (options.stall === true) return new Promise<void>(() => {})
        const size = Math.min(CHUNK, total - state.sent)
        if (size <= 0) return controller.close()
        state.sent += size
        controller.enqueue(new Uint8Array(size).fill(0x20))
      },
      cancel() {
        state.cancelled = true
      }
    },
    { highWaterMark: 0 }
  )
  return { state, stream }
}

const api = (client: Layer.Layer<HttpClient.HttpClient>, extra: Partial<Auth0Http.StaticTokenOptions> = {}) =>
  Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("TOKEN-limits"), maxResponseBytes: LIMIT, ...extra }).pipe(
    Layer.provide(client),
    Layer.orDie // valid options: the layer cannot fail
  )

/** A user whose JSON is exactly `bytes` long, in UTF-8: the padding has two-byte characters. */
const userOfBytes = (bytes: number): string => {
  const head = JSON.stringify({ user_id: "auth0|1", user_metadata: { pad: "" } })
  const room = bytes - new TextEncoder().encode(head).length
  const pad = "é".repeat(Math.floor(room / 2)) + "x".repeat(room % 2)
  const text = JSON.stringify({ user_id: "auth0|1", user_metadata: { pad } })
  assert.strictEqual(new TextEncoder().encode(text).length, bytes)
  return text
}

describe("maxResponseBytes: API answers", () => {
  it.live(
    "a body one byte over the limit fails with ResponseTooLarge after reading at most the limit and a chunk",
    () =>
      Effect.gen(function* () {
        const calls: Array<string> = []
        const bodies: Array<ReturnType<typeof countingBody>["state"]> = []
        const client = fakeHttp((seen) => {
          calls.push(seen.url.pathname)
          const body = countingBody(LIMIT + 1)
          bodies.push(body.state)
          return new Response(body.stream, { status: 200, headers: { "content-type": "application/json" } })
        })
        const error = yield* Effect.flip(Users.get("auth0|1").pipe(Effect.provide(api(client))))
        assert.instanceOf(error, Auth0Error.ResponseTooLarge)
        if (error._tag !== "ResponseTooLarge") return
        assert.deepInclude(error, { method: "GET", path: "/api/v2/users/auth0%7C1", status: 200, limit: LIMIT })
        assert.strictEqual(
          error.message,
          "GET /api/v2/users/{id} answered 200 with a body of more than 64 KiB (maxResponseBytes)"
        )
        assert.isFalse(Auth0Error.isRetryable(error))
        // Not retried under the default policy, and the body was left after the chunk that crossed the limit.
        assert.strictEqual(calls.length, 1)
        assert.isAtMost(bodies[0]!.sent, LIMIT + CHUNK)
        assert.isTrue(bodies[0]!.cancelled)
      })
  )

  it.live("an endless body fails with ResponseTooLarge, long before the timeout", () =>
    Effect.gen(function* () {
      const body = countingBody(Infinity)
      const client = fakeHttp(() => new Response(body.stream, { status: 200 }))
      const error = yield* Effect.flip(
        Users.get("auth0|1").pipe(Effect.provide(api(client, { timeout: "1 minute", retry: false })))
      )
      assert.strictEqual(error._tag, "ResponseTooLarge")
      assert.isAtMost(body.state.sent, LIMIT + CHUNK)
      assert.isTrue(body.state.cancelled)
    })
  )

  it.live("a body of exactly the limit (in bytes, not characters) is read and decoded", () =>
    Effect.gen(function* () {
      const atLimit = userOfBytes(LIMIT)
      const ok = yield* Users.get("auth0|1").pipe(
        Effect.provide(api(fakeHttp(() => new Response(atLimit, { status: 200 }))))
      )
      assert.strictEqual(ok.user_id, "auth0|1")
      assert.strictEqual(new TextEncoder().encode(JSON.stringify(ok)).length, LIMIT)
      const over = userOfBytes(LIMIT + 1)
      const error = yield* Effect.flip(
        Users.get("auth0|1").pipe(Effect.provide(api(fakeHttp(() => new Response(over, { status: 200 })))))
      )
      assert.strictEqual(error._tag, "ResponseTooLarge")
    })
  )

  it.live("a Content-Length over the limit fails at once, without waiting for or reading the body", () =>
    Effect.gen(function* () {
      // The body never sends a byte: only the header can end this before the timeout.
      const body = countingBody(Infinity, { stall: true })
      const client = fakeHttp(
        () => new Response(body.stream, { status: 200, headers: { "content-length": String(10 * 1024 ** 3) } })
      )
      const error = yield* Effect.flip(Users.get("auth0|1").pipe(Effect.provide(api(client, { timeout: "1 minute" }))))
      assert.strictEqual(error._tag, "ResponseTooLarge")
      assert.strictEqual(body.state.sent, 0)
      assert.isTrue(body.state.cancelled)
    })
  )

  it.live("a Content-Length of a compressed body does not bound what fetch decompresses from it", () =>
    Effect.gen(function* () {
      // fetch decodes gzip itself and keeps the header: 100 bytes declared, far more delivered.
      const body = countingBody(16 * LIMIT)
      const client = fakeHttp(
        () =>
          new Response(body.stream, {
            status: 200,
            headers: { "content-length": "100", "content-encoding": "gzip" }
          })
      )
      const error = yield* Effect.flip(Users.get("auth0|1").pipe(Effect.provide(api(client, { retry: false }))))
      assert.strictEqual(error._tag, "ResponseTooLarge")
      assert.isAtMost(body.state.sent, LIMIT + CHUNK)
    })
  )

  it.live("the default limit is 16 MiB", () =>
    Effect.gen(function* () {
      const answer = (length: number) => () =>
        new Response(countingBody(0).stream, { status: 200, headers: { "content-length": String(length) } })
      const layer = (length: number) =>
        Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("t") }).pipe(Layer.provide(fakeHttp(answer(length))))
      const over = yield* Effect.flip(Users.get("auth0|1").pipe(Effect.provide(layer(16 * 1024 * 1024 + 1))))
      assert.strictEqual(over._tag, "ResponseTooLarge")
      if (over._tag !== "ResponseTooLarge") return
      assert.strictEqual(over.limit, 16 * 1024 * 1024)
      // At the limit the (empty) body is read: a DecodeError, not ResponseTooLarge.
      const at = yield* Effect.flip(Users.get("auth0|1").pipe(Effect.provide(layer(16 * 1024 * 1024))))
      assert.strictEqual(at._tag, "DecodeError")
    })
  )

  it.live("an error answer over the limit keeps its status and is retried as that status", () =>
    Effect.gen(function* () {
      let calls = 0
      const client = fakeHttp(() => {
        calls++
        return calls === 1 ? new Response(countingBody(Infinity).stream, { status: 503 }) : json({ user_id: "auth0|1" })
      })
      const user = yield* Users.get("auth0|1").pipe(Effect.provide(api(client)))
      assert.strictEqual(user.user_id, "auth0|1")
      assert.strictEqual(calls, 2)
      const error = yield* Effect.flip(
        Users.get("auth0|1").pipe(
          Effect.provide(api(fakeHttp(() => new Response(countingBody(Infinity).stream, { status: 404 }))))
        )
      )
      assert.strictEqual(error._tag, "NotFound")
    })
  )

  it.live("the token answer is bounded too", () =>
    Effect.gen(function* () {
      const body = countingBody(Infinity)
      const client = fakeHttp(() => new Response(body.stream, { status: 200 }))
      const error = yield* Effect.flip(
        Users.get("auth0|1").pipe(
          Effect.provide(
            Auth0Http.layer({
              domain: DOMAIN,
              clientId: "cid",
              clientSecret: Redacted.make("SECRET-limits"),
              maxResponseBytes: LIMIT
            }).pipe(Layer.provide(client), Layer.orDie)
          )
        )
      )
      assert.strictEqual(error._tag, "ResponseTooLarge")
      assert.strictEqual(error.path, "/oauth/token")
      assert.isAtMost(body.state.sent, LIMIT + CHUNK)
      assert.notInclude(error.message, "SECRET-limits")
    })
  )

  it.effect("an unusable limit fails the layer with a ConfigError, not a defect", () =>
    Effect.gen(function* () {
      for (const maxResponseBytes of [0, -1, 1.5, Number.NaN]) {
        for (const layer of [
          Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("t"), maxResponseBytes }),
          Auth0Http.layer({ domain: DOMAIN, clientId: "cid", clientSecret: Redacted.make("s"), maxResponseBytes })
        ]) {
          const error = yield* Effect.flip(
            Layer.build(layer.pipe(Layer.provide(fakeHttp(() => json({}))))).pipe(Effect.scoped)
          )
          assert.strictEqual(error._op, "InvalidData")
          assert.match(error.message, /maxResponseBytes must be a positive whole number of bytes/)
        }
      }
    })
  )
})

// Over real sockets: each client's body is cancelled at the limit, and the connection with it.
const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["NodeHttpClient.layer", NodeHttpClient.layer]
]

describe("maxResponseBytes over loopback", () => {
  for (const [name, client] of clients) {
    it.scopedLive(
      `${name}: an endless body and a huge Content-Length end in ResponseTooLarge, and the server sees the connection closed`,
      () =>
        Effect.gen(function* () {
          const closed: Array<string> = []
          const server = yield* loopback((request, response) => {
            response.on("close", () => closed.push(request.url))
            if (request.url.includes("declared")) {
              response.writeHead(200, { "content-type": "application/json", "content-length": String(10 * 1024 ** 3) })
              response.write("{")
              return
            }
            response.writeHead(200, { "content-type": "application/json" })
            const chunk = Buffer.alloc(CHUNK, 0x20)
            const pump = () => {
              while (!response.destroyed && response.write(chunk)) {
                // until the socket pushes back
              }
              if (!response.destroyed) response.once("drain", pump)
            }
            pump()
          })
          const layer = api(client, { baseUrl: server.origin, timeout: "20 seconds", retry: false })
          for (const id of ["endless", "declared"]) {
            const error = yield* Effect.flip(Users.get(id).pipe(Effect.provide(layer)))
            assert.strictEqual(error._tag, "ResponseTooLarge", `${id}: ${error.message}`)
          }
          // The close reaches the server a moment later.
          for (let i = 0; i < 200 && closed.length < 2; i++) yield* Effect.sleep("10 millis")
          assert.deepStrictEqual(closed.sort(), ["/api/v2/users/declared", "/api/v2/users/endless"])
        })
    )
  }
})

// ---------------------------------------------------------------------------
// Export lines
// ---------------------------------------------------------------------------

const gzip = (text: string): Uint8Array => new Uint8Array(Zlib.gzipSync(text))

/** `bytes` as a stream of `size`-byte chunks, counting how many were pulled. */
const pieces = (bytes: Uint8Array, size: number) => {
  const state = { pulled: 0, total: Math.ceil(bytes.length / size) }
  const stream = Stream.fromIterable(Array.from({ length: state.total }, (_, i) => i)).pipe(
    Stream.rechunk(1),
    Stream.map((i) => {
      state.pulled++
      return bytes.subarray(i * size, (i + 1) * size)
    })
  )
  return { state, stream }
}

describe("maxLineLength: export lines", () => {
  const line = (id: number, pad = "") => JSON.stringify({ user_id: `auth0|${id}`, user_metadata: { pad } })

  it.effect("a line over the limit fails with ResponseTooLarge after the users before it", () =>
    Effect.gen(function* () {
      const text = [line(1), line(2, "x".repeat(LIMIT)), line(3)].join("\n") + "\n"
      const users: Array<unknown> = []
      const error = yield* ExportFile.decodeFile(pieces(gzip(text), 512).stream, "/f.json.gz", LIMIT).pipe(
        Stream.runForEach((user) => Effect.sync(() => users.push(user.user_id))),
        Effect.flip
      )
      assert.deepStrictEqual(users, ["auth0|1"])
      assert.strictEqual(error._tag, "ResponseTooLarge")
      if (error._tag !== "ResponseTooLarge") return
      assert.strictEqual(error.limit, LIMIT)
      assert.include(error.message, "line 2 of the export file longer than 65536 characters (maxLineLength)")
      assert.notInclude(error.message, "xxxx")
    })
  )

  it.effect("a line exactly at the limit is decoded; the limit is per line, not per file", () =>
    Effect.gen(function* () {
      const head = line(1)
      const atLimit = line(2, "y".repeat(LIMIT - head.length))
      assert.strictEqual(atLimit.length, LIMIT)
      const text = Array.from({ length: 5 }, () => atLimit).join("\n")
      const users = yield* Stream.runCollect(ExportFile.decodeFile(pieces(gzip(text), 300).stream, "/f", LIMIT))
      assert.strictEqual(users.length, 5)
    })
  )

  it.effect("a line without end fails once the limit is passed, without reading the rest of the file", () =>
    Effect.gen(function* () {
      // 2 MB of one line that compresses poorly, so that the compressed bytes read tell how far it got.
      let seed = 1
      const noise = Array.from({ length: 2 * 1024 * 1024 }, () => {
        seed = (seed * 16807) % 2147483647
        return String.fromCharCode(97 + (seed % 26))
      }).join("")
      const body = pieces(gzip(`{"user_id":"auth0|1","pad":"${noise}`), 1024)
      const error = yield* Effect.flip(Stream.runDrain(ExportFile.decodeFile(body.stream, "/f", LIMIT)))
      assert.strictEqual(error._tag, "ResponseTooLarge")
      assert.isBelow(body.state.pulled, body.state.total / 4)
    })
  )

  it.effect("a 16 MB line below a raised limit is split in linear work", () =>
    Effect.gen(function* () {
      const size = 16 * 1024 * 1024
      const text = [line(1), line(2, "w".repeat(size)), line(3)].join("\n") + "\n"
      const bytes = gzip(text)
      // Count the characters every `indexOf` call scans: the splitter's work, without a clock.
      const indexOf = String.prototype.indexOf
      let scanned = 0
      String.prototype.indexOf = function (this: string, search: string, position?: number) {
        const at = indexOf.call(this, search, position)
        scanned += (at === -1 ? this.length : at + search.length) - (position ?? 0)
        return at
      }
      const users = yield* Stream.runCollect(ExportFile.decodeFile(pieces(bytes, 4096).stream, "/f", 2 * size)).pipe(
        Effect.ensuring(Effect.sync(() => (String.prototype.indexOf = indexOf)))
      )
      assert.strictEqual(users.length, 3)
      assert.strictEqual(Chunk.unsafeGet(users, 1).user_id, "auth0|2")
      // Each character scanned about once (an appending splitter scans the pending line again per piece).
      assert.isAtMost(scanned, 2 * text.length)
    })
  )

  it.effect("Users.export takes maxLineLength; a user past it fails the export with ResponseTooLarge", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* tenant.seedUsers([
        { connection: "Username-Password-Authentication", email: "small@example.com" },
        {
          connection: "Username-Password-Authentication",
          email: "big@example.com",
          // Under the tenant's 16 KB metadata cap, over this test's line limit.
          user_metadata: { pad: "v".repeat(12 * 1024) }
        }
      ])
      const run = (maxLineLength: number | undefined) =>
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(
            Stream.runCollect(Users.export({ fields: ["email", "user_metadata"], maxLineLength }))
          )
          for (let i = 0; i < 200 && Option.isNone(yield* Fiber.poll(fiber)); i++) yield* TestClock.adjust("1 second")
          return yield* Fiber.join(fiber)
        })
      const error = yield* Effect.flip(run(8 * 1024))
      assert.strictEqual(error._tag, "ResponseTooLarge")
      const all = yield* run(undefined)
      assert.strictEqual(all.length, 2)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})
