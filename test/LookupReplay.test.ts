/**
 * Replays the recorded lookups and user blocks of test/fixtures/recordingsLookup.ts through the
 * public API against a scripted `HttpClient` that answers the recorded status, body and headers:
 * the request must be the recorded one (method, path, query byte for byte, body) and the recorded
 * answer must decode. The setup and cleanup user calls of the same cassettes are replayed by
 * test/Replay.test.ts's operations and left out here.
 *
 * Documented exception: go-auth0 sent a JSON body `{}` (with `Content-Type: application/json`) on
 * its `GET /user-blocks/{id}` and `GET /user-blocks?identifier=`; a GET has no body, and
 * `UserBlocks.get` / `getByIdentifier` send none, so for those two the body is expected absent.
 *
 * Also here: the checkpoint stop rule against a scripted tenant that names a `next` on an empty page.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { type Auth0Error, Auth0Http, UserBlocks, Users } from "../src/index.js"
import type { RecordedInteraction } from "./fixtures/recordings.js"
import { recordingsLookup } from "./fixtures/recordingsLookup.js"
import { fakeHttp, json, type Seen } from "./utils.js"
import { DOMAIN, recordedSearch, replayOnce } from "./fixtures/replay.js"

interface Replay {
  readonly operation: string
  readonly call: Effect.Effect<unknown, Auth0Error.Auth0Error, Auth0Http.Auth0Http>
  readonly decoded: (body: unknown) => unknown
}

const userIn = (path: string, pattern: RegExp): string => decodeURIComponent(pattern.exec(path)![1]!)

/** The call that made `rec`; throws for an interaction of another endpoint. */
const replayOf = (rec: RecordedInteraction): Replay => {
  const byEmail = rec.method === "GET" && rec.path === "/api/v2/users-by-email"
  if (byEmail) {
    return { operation: "listByEmail", call: Users.listByEmail(rec.query.email!), decoded: (b) => b }
  }
  if (rec.method === "GET" && /^\/api\/v2\/users\/[^/]+\/organizations$/.test(rec.path)) {
    const id = userIn(rec.path, /^\/api\/v2\/users\/([^/]+)\//)
    return {
      operation: "organizations",
      call: Users.organizations(id),
      // The recorded envelope has no `length`; the decoded page does.
      decoded: (b) => ({ ...(b as object), length: (b as { organizations: Array<unknown> }).organizations.length })
    }
  }
  const blocksOf = /^\/api\/v2\/user-blocks\/([^/]+)$/.exec(rec.path)
  if (blocksOf !== null) {
    const id = decodeURIComponent(blocksOf[1]!)
    return rec.method === "GET"
      ? { operation: "get", call: UserBlocks.get(id), decoded: (b) => b }
      : { operation: "unblock", call: UserBlocks.unblock(id), decoded: () => undefined }
  }
  if (rec.path === "/api/v2/user-blocks") {
    const identifier = rec.query.identifier!
    return rec.method === "GET"
      ? {
          operation: "getByIdentifier",
          call: UserBlocks.getByIdentifier(identifier),
          decoded: (b) => b
        }
      : {
          operation: "unblockByIdentifier",
          call: UserBlocks.unblockByIdentifier(identifier),
          decoded: () => undefined
        }
  }
  throw new Error(`no lookup or block operation maps to ${rec.name}: ${rec.method} ${rec.path}`)
}

const isUserSetup = (rec: RecordedInteraction) =>
  (rec.method === "POST" && rec.path === "/api/v2/users") ||
  (rec.method === "DELETE" && /^\/api\/v2\/users\/[^/]+$/.test(rec.path))

const mine = recordingsLookup.filter((rec) => !isUserSetup(rec))

describe("the lookup recordings", () => {
  it("cover every operation of the group but the connected accounts (none was recorded)", () => {
    assert.deepStrictEqual([...new Set(mine.map((rec) => replayOf(rec).operation))].sort(), [
      "get",
      "getByIdentifier",
      "listByEmail",
      "organizations",
      "unblock",
      "unblockByIdentifier"
    ])
    assert.isFalse(recordingsLookup.some((rec) => rec.path.endsWith("/connected-accounts")))
  })
})

describe("replay through the public API", () => {
  for (const rec of mine) {
    it.effect(`${rec.name}: ${rec.method} ${rec.path}${recordedSearch(rec)}`, () =>
      Effect.gen(function* () {
        const replay = replayOf(rec)
        const { outcome, seen } = yield* replayOnce(rec, replay.call)
        assert.strictEqual(seen.url.pathname, rec.path)
        // Same keys, same order, same encoding (`%40` for the email's `@`).
        assert.strictEqual(seen.url.search, recordedSearch(rec))
        // No body: none was recorded but go-auth0's `{}` on its GETs (the exception above).
        assert.isTrue(
          rec.requestBody === undefined || (rec.method === "GET" && JSON.stringify(rec.requestBody) === "{}")
        )
        assert.strictEqual(seen.body, undefined)
        assert.strictEqual(outcome._tag, "Right", `the recorded ${rec.status} answer decodes`)
        if (outcome._tag === "Right") assert.deepStrictEqual(outcome.right, replay.decoded(rec.responseBody))
      })
    )
  }
})

describe("the checkpoint stop rule", () => {
  it.effect("a `next` on an empty page ends connectedAccountsStream (as Auth0's org members recorded it)", () =>
    Effect.gen(function* () {
      const account = (id: string) => ({
        id,
        connection: "google-oauth2",
        connection_id: "con_G00gle0auth2Fake",
        strategy: "google-oauth2",
        access_type: "offline",
        created_at: "2026-01-01T00:00:00.000Z"
      })
      const pages = [
        { connected_accounts: [account("cac_1"), account("cac_2")], next: "c1" },
        { connected_accounts: [account("cac_3")], next: "c2" },
        { connected_accounts: [], next: "c3" }
      ]
      const log: Array<Seen> = []
      // Past the script the tenant refuses, so a stream that does not stop fails instead of hanging.
      const layer = Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("tok"), retry: false }).pipe(
        Layer.provide(fakeHttp(() => (log.length <= pages.length ? json(pages[log.length - 1]) : json({}, 400)), log))
      )
      const ids = yield* Stream.runCollect(Users.connectedAccountsStream("auth0|1", { take: 2 })).pipe(
        Effect.provide(layer)
      )
      assert.deepStrictEqual(
        [...ids].map((a) => a.id),
        ["cac_1", "cac_2", "cac_3"]
      )
      assert.deepStrictEqual(
        log.map((seen) => seen.url.search),
        ["?take=2", "?from=c1&take=2", "?from=c2&take=2"]
      )
    })
  )
})
