/**
 * Replays the recorded sessions and refresh-token traffic (test/fixtures/recordingsSessions.ts):
 * (a) through the public API against a scripted `HttpClient` answering the recorded status and body:
 * method, path, query and body as recorded, and every recorded answer decodes; (b) each recorded
 * scenario, in order, against the in-process fake: the recorded statuses and shapes, and no route of
 * ours answering "Not Found".
 *
 * Documented exception: go-auth0 v1 sent `include_totals=true&per_page=50` on
 * `GET /users/{id}/refresh-tokens`, offset parameters Auth0 ignores on this checkpoint endpoint (it
 * answered `{tokens, next, total}`). `Users.refreshTokens` sends checkpoint paging as node-auth0 does,
 * `take=50` and no `include_totals` (whose only effect is a `total` the page type does not carry), so
 * that query is expected instead of the recorded one. The recorded sessions list (`?take=50`, go-auth0
 * v3) is matched byte for byte. The fake, replaying the recorded query, answers it as Auth0 did.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { Auth0Error } from "../src/index.js"
import { Auth0Http, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import type { RecordedInteraction } from "./fixtures/recordings.js"
import { recordingsSessions } from "./fixtures/recordingsSessions.js"
import { bareId, raw, sortedKeys } from "./testing/FakeAuth0.helpers.js"
import { replayOnce, title } from "./fixtures/replay.js"

const OURS = /^\/api\/v2\/users\/([^/]+)\/(sessions|refresh-tokens)$/

interface Replay {
  readonly call: Effect.Effect<unknown, Auth0Error.Auth0Error, Auth0Http.Auth0Http>
  /** The query we send, when it differs from the recorded one (the documented exception). */
  readonly query?: string
  readonly decoded: (body: unknown) => unknown
}

const replayOf = (rec: RecordedInteraction): Replay => {
  const match = OURS.exec(rec.path)
  if (match === null) throw new Error(`not a sessions or refresh-tokens interaction: ${rec.name}`)
  const id = decodeURIComponent(match[1]!)
  const kind = match[2]!
  if (rec.method === "DELETE") {
    const call = kind === "sessions" ? Users.deleteSessions(id) : Users.deleteRefreshTokens(id)
    return { call, decoded: () => undefined }
  }
  if (kind === "sessions") {
    assert.strictEqual(rec.rawQuery, "take=50")
    // take=50 is not passed: it must come by default.
    return { call: Users.sessions(id), decoded: (body) => body }
  }
  assert.strictEqual(rec.rawQuery, "include_totals=true&per_page=50")
  return {
    call: Users.refreshTokens(id),
    query: "take=50",
    // `total` (there because go-auth0 asked include_totals) is not part of a checkpoint page.
    decoded: (body) => {
      const { total, ...page } = body as Record<string, unknown>
      assert.isNumber(total)
      return page
    }
  }
}

const ours = recordingsSessions.filter((rec) => OURS.test(rec.path))

describe("replay through the public API", () => {
  it("covers the four recorded endpoints", () => {
    assert.deepStrictEqual(
      [...new Set(ours.map((rec) => `${rec.method} ${rec.path.replace(/users\/[^/]+/, "users/{id}")}`))].sort(),
      [
        "DELETE /api/v2/users/{id}/refresh-tokens",
        "DELETE /api/v2/users/{id}/sessions",
        "GET /api/v2/users/{id}/refresh-tokens",
        "GET /api/v2/users/{id}/sessions"
      ]
    )
  })

  for (const rec of ours) {
    it.effect(title(rec), () =>
      Effect.gen(function* () {
        const replay = replayOf(rec)
        const { outcome, seen } = yield* replayOnce(rec, replay.call)
        assert.strictEqual(seen.url.pathname, rec.path)
        const query = replay.query ?? rec.rawQuery
        assert.strictEqual(seen.url.search, query === "" ? "" : `?${query}`)
        assert.strictEqual(seen.body, undefined)
        assert.strictEqual(outcome._tag, "Right", `the recorded ${rec.status} answer decodes`)
        if (outcome._tag === "Right") assert.deepStrictEqual(outcome.right, replay.decoded(rec.responseBody))
      })
    )
  }
})

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Keys of every object, arrays of the recorded length, the same primitive types (`null` as `null`). */
const assertSameShape = (actual: unknown, recorded: unknown, where: string): void => {
  if (Array.isArray(recorded)) {
    assert.isArray(actual, where)
    assert.strictEqual((actual as Array<unknown>).length, recorded.length, `${where}.length`)
    recorded.forEach((item, i) => assertSameShape((actual as Array<unknown>)[i], item, `${where}[${i}]`))
  } else if (isObject(recorded)) {
    assert.isTrue(isObject(actual), `${where} is an object`)
    assert.deepStrictEqual(sortedKeys(actual), sortedKeys(recorded), `keys of ${where}`)
    for (const key of Object.keys(recorded)) {
      assertSameShape((actual as Record<string, unknown>)[key], recorded[key], `${where}.${key}`)
    }
  } else {
    assert.strictEqual(recorded === null ? null : typeof actual, recorded === null ? actual : typeof recorded, where)
  }
}

const scenarios = [...new Set(recordingsSessions.map((rec) => rec.name.split("#")[0]!))]

describe("replay against the fake", () => {
  for (const scenario of scenarios) {
    it.effect(`${scenario}: the recorded statuses and shapes, in order`, () =>
      Effect.gen(function* () {
        const tenant = yield* FakeAuth0.make()
        const steps = recordingsSessions.filter((rec) => rec.name.startsWith(`${scenario}#`))
        // Recorded id (bare hex, or the "UserID" placeholder) → the fake's.
        const ids = new Map<string, string>()
        const placeholder = steps.find((rec) => rec.path.includes("/UserID/"))
        if (placeholder !== undefined) {
          // The refresh-token cassettes refer to a user they never create: seed it with the recorded tokens.
          const [user] = yield* Effect.orDie(
            tenant.seedUsers([{ connection: "Username-Password-Authentication", email: "user@example.com" }])
          )
          const listed = (placeholder.responseBody as { readonly tokens: ReadonlyArray<Record<string, unknown>> })
            .tokens
          yield* Effect.orDie(
            tenant.seedRefreshTokens(
              user!.user_id,
              listed.map(({ created_at, resource_servers }) => ({ created_at: String(created_at), resource_servers }))
            )
          )
          ids.set("UserID", encodeURIComponent(user!.user_id))
        }
        for (const rec of steps) {
          const path = rec.path.replace(/\/users\/(auth0%7C)?([0-9a-f]{24}|UserID)/, (all, prefix, hex: string) =>
            ids.has(hex) ? `/users/${prefix === undefined ? "" : "auth0%7C"}${ids.get(hex)!}` : all
          )
          const answer = yield* raw(tenant, {
            method: rec.method,
            url: `${path}${rec.rawQuery === "" ? "" : `?${rec.rawQuery}`}`,
            body: rec.requestBody
          })
          const notRouted = answer.status === 404 && (answer.json as { message?: string }).message === "Not Found"
          assert.isFalse(notRouted, `${rec.name}: ${rec.method} ${path} reached no route`)
          assert.strictEqual(answer.status, rec.status, `${rec.name}: ${answer.body}`)
          if (rec.responseBody === undefined) assert.strictEqual(answer.body, "", rec.name)
          else assertSameShape(answer.json, rec.responseBody, rec.name)
          if (rec.method === "POST" && rec.path === "/api/v2/users") {
            const recorded = (rec.responseBody as { readonly user_id: string }).user_id
            ids.set(bareId(recorded), bareId((answer.json as { readonly user_id: string }).user_id))
          }
        }
      })
    )
  }
})
