/**
 * The import's request bodies: each is written around its users file, in the file's own buffer, and the
 * buffers are reused from file to file (an import makes a few, not one or two per file: made per file,
 * V8 kept 63 MB of them for 100,000 users); a reused buffer never changes a body that is still to be
 * sent; and no body is over the 512,000 bytes Auth0 takes, whatever `maxFileBytes` says.
 */
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schedule, Stream } from "effect"
import { Auth0Error, Auth0Http, Endpoint, type ImportUser, Users } from "../src/index.js"
import * as Endpoints from "../src/internal/endpoints.js"
import * as Multipart from "../src/internal/multipart.js"
import { FakeAuth0 } from "../src/testing/index.js"

const CONNECTION = "con_ftSSLHb0O7rcUGmF"
const fast = { pollSchedule: Schedule.spaced("2 millis") }

const users = (n: number, pad = 0): Array<ImportUser.ImportUser> =>
  Array.from({ length: n }, (_, i) => ({
    email: `user${i}@example.com`,
    given_name: `Given ${i}`,
    ...(pad > 0 ? { user_metadata: { pad: "x".repeat(pad) } } : {})
  }))

interface Sent {
  readonly buffer: ArrayBufferLike
  readonly bytes: number
  /** The body as it was when it was sent. */
  readonly text: string
}

/** The fake tenant, with every import request's body noted as it is sent. */
const watched = (sent: Array<Sent>) =>
  FakeAuth0.layer({
    importMillis: 5,
    client: {
      transformClient: HttpClient.tapRequest((request) =>
        Effect.sync(() => {
          if (!request.url.endsWith("/jobs/users-imports") || request.body._tag !== "Uint8Array") return
          const body = request.body.body
          sent.push({ buffer: body.buffer, bytes: body.length, text: new TextDecoder().decode(body) })
        })
      )
    }
  })

const usersOf = (text: string): Array<{ readonly email: string }> => {
  const start = text.indexOf("\r\n\r\n", text.indexOf('name="users"')) + 4
  return JSON.parse(text.slice(start, text.indexOf("\r\n--", start))) as Array<{ readonly email: string }>
}

describe("the import's request bodies", () => {
  it.live("are written in the files' own buffers, a few reused from file to file, and every user arrives", () => {
    const sent: Array<Sent> = []
    return Effect.gen(function* () {
      // 50 users a pull: a file's worth of users is never more than one pull ahead of the jobs.
      const stream = Stream.fromIterable(users(3000)).pipe(Stream.rechunk(50))
      const summary = yield* Users.import(stream, { connection_id: CONNECTION, maxFileBytes: 10_000, ...fast })
      assert.strictEqual(summary.inserted, 3000)
      assert.isAtLeast(sent.length, 15)
      // Two jobs' files, the one being gathered and one made while a slot frees: never one per file.
      const buffers = new Set(sent.map((s) => s.buffer))
      assert.isAtMost(buffers.size, 4, `${buffers.size} buffers for ${sent.length} files`)
      // Each body, read as it was sent, is the next users in order: no reuse wrote over a body before it went.
      const emails = sent.flatMap((s) => usersOf(s.text).map((u) => u.email))
      assert.deepStrictEqual(
        emails,
        users(3000).map((u) => u.email)
      )
    }).pipe(Effect.provide(watched(sent)))
  })

  it.live("are as many buffers as files are out at once when one pulled chunk makes many files", () => {
    const sent: Array<Sent> = []
    return Effect.gen(function* () {
      // About 1 KB each: an array goes 4096 users to a chunk, some 9 files of 500,000 bytes from each.
      const summary = yield* Users.import(users(20_000, 1000), { connection_id: CONNECTION, ...fast })
      assert.strictEqual(summary.inserted, 20_000)
      assert.isAtLeast(sent.length, 40)
      // One chunk's files, the jobs' two and the one being gathered: kept and reused, never made again.
      const buffers = new Set(sent.map((s) => s.buffer))
      assert.isAtMost(buffers.size, 13, `${buffers.size} buffers for ${sent.length} files`)
    }).pipe(Effect.provide(watched(sent)))
  })

  it.live(
    "stay within Auth0's 512,000 bytes with maxFileBytes at 512,000: the form's other parts come off the file",
    () => {
      const sent: Array<Sent> = []
      return Effect.gen(function* () {
        const summary = yield* Users.import(users(1200, 1000), {
          connection_id: CONNECTION,
          upsert: true,
          external_id: "migration-7",
          maxFileBytes: 512_000,
          ...fast
        })
        assert.strictEqual(summary.inserted, 1200)
        assert.isAtLeast(sent.length, 2)
        for (const body of sent) assert.isAtMost(body.bytes, 512_000)
        // Filled as far as the limit lets it: the first file leaves less than a user's room (and its comma).
        const largest = Math.max(...users(1200, 1000).map((u) => new TextEncoder().encode(JSON.stringify(u)).length))
        assert.isAbove(sent[0]!.bytes, 512_000 - largest - 1)
      }).pipe(Effect.provide(watched(sent)))
    }
  )

  it.live("the fake refuses a request over 512,000 bytes with Auth0's 413, as a BadRequest", () =>
    Effect.gen(function* () {
      const http = yield* Auth0Http.Auth0Http
      const file = Endpoint.file(new TextEncoder().encode(JSON.stringify(users(1, 520_000))), {
        filename: "users.json",
        type: "application/json"
      })
      const exit = yield* Effect.exit(
        http.request(Endpoints.jobs.importUsers, { body: { connection_id: CONNECTION, users: file } })
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
        const error = exit.cause.error
        assert.strictEqual(error._tag, "BadRequest")
        assert.include((error as Auth0Error.BadRequest).message, "greater than maximum allowed: 512000")
      } else assert.fail(`expected a typed failure, got ${String(exit)}`)
    }).pipe(Effect.provide(FakeAuth0.layer({ client: { retry: false } })))
  )
})

describe("a framed file's body", () => {
  const fields = { connection_id: CONNECTION, upsert: "true" }
  const content = new TextEncoder().encode('[{"email":"a@example.com"}]')
  const FILE = { filename: "users.json", type: "application/json" }
  /** The body with its boundary made one, to compare two encodings. */
  const text = (encoded: Multipart.Encoded) => {
    const mark = encoded.contentType.split("boundary=")[1]!
    return new TextDecoder().decode(encoded.bytes).split(mark).join("BOUNDARY")
  }

  it.effect("is the same bytes as a copied one, written around the file in its own buffer", () =>
    Effect.gen(function* () {
      const room = Multipart.roomFor({ ...fields, users: Endpoint.file(new Uint8Array(0), FILE) })
      const buffer = new Uint8Array(room.head + content.length + room.tail)
      buffer.set(content, room.head)
      const framed = yield* Multipart.encode({
        ...fields,
        users: Multipart.framed(buffer, room.head, room.head + content.length, FILE)
      })
      const copied = yield* Multipart.encode({ ...fields, users: Endpoint.file(content, FILE) })
      assert.strictEqual(text(framed), text(copied))
      assert.strictEqual(framed.bytes.buffer, buffer.buffer)
      assert.strictEqual(framed.bytes.length, buffer.length)
    })
  )

  /** A framed file with `head` bytes before it and `tail` after, in a buffer of `*`s: copied, the buffer untouched. */
  const copiedUntouched = (body: Readonly<Record<string, string | undefined>>, head: number, tail: number) =>
    Effect.gen(function* () {
      const buffer = new Uint8Array(head + content.length + tail).fill(0x2a)
      buffer.set(content, head)
      const before = buffer.slice()
      const encoded = yield* Multipart.encode({
        ...body,
        users: Multipart.framed(buffer, head, head + content.length, FILE)
      })
      const copied = yield* Multipart.encode({ ...fields, users: Endpoint.file(content, FILE) })
      assert.strictEqual(text(encoded), text(copied))
      assert.notStrictEqual(encoded.bytes.buffer, buffer.buffer)
      assert.deepStrictEqual(buffer, before)
    })

  it.effect("is copied, its buffer untouched, when the room around the file is too small", () =>
    copiedUntouched(fields, 10, 10)
  )

  it.effect("is copied when only the room after the file is too small, and skips unset fields alike", () => {
    const body = { ...fields, external_id: undefined }
    const room = Multipart.roomFor({ ...body, users: Endpoint.file(new Uint8Array(0), FILE) })
    return copiedUntouched(body, room.head, room.tail - 1)
  })
})
