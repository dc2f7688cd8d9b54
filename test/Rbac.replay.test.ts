/**
 * Replays the recorded roles and permissions traffic (test/fixtures/recordingsRbac.ts) through the
 * public API: each interaction of a user's roles or permissions is mapped to the operation that
 * produces it, a scripted `HttpClient` answers with the recorded status, body and headers, and the
 * test checks that the request is the recorded one byte for byte (method, path, query, body) and
 * that the recorded answer decodes.
 *
 * Documented exception: go-auth0 sent the body `null` (with `Content-Type: application/json`) on
 * every GET; our client sends no body on a GET. The fixture reads `null` as no body.
 *
 * The cassettes' setup steps that are not user endpoints (`POST /roles`, `DELETE /roles/{id}`,
 * `POST`/`DELETE /resource-servers…`) and the user's own creation and deletion (replayed with the
 * other user operations in Replay.test.ts) are not mapped.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Auth0Http, type Auth0Error, Users } from "../src/index.js"
import type { RecordedInteraction } from "./fixtures/recordings.js"
import { recordingsRbac } from "./fixtures/recordingsRbac.js"
import { assertSentAsRecorded, replayOnce, title } from "./fixtures/replay.js"

interface Replay {
  readonly operation: string
  readonly call: Effect.Effect<unknown, Auth0Error.Auth0Error, Auth0Http.Auth0Http>
  /** What the recorded answer must decode to. */
  readonly decoded: (body: unknown) => unknown
}

const USER_SUB = /^\/api\/v2\/users\/([^/]+)\/(roles|permissions)$/

const withLength = (items: string) => (body: unknown) => {
  const page = body as Record<string, unknown>
  assert.isFalse("length" in page, "Auth0's envelope has no length")
  return { ...page, length: (page[items] as Array<unknown>).length }
}

/** The operation of a recorded user roles or permissions interaction, or undefined for a setup step. */
const replayOf = (rec: RecordedInteraction): Replay | undefined => {
  const match = USER_SUB.exec(rec.path)
  if (match === null) return undefined
  const id = decodeURIComponent(match[1]!)
  const body = rec.requestBody as Record<string, never> | undefined
  const none = () => undefined
  switch (`${rec.method} ${match[2]}`) {
    case "POST roles":
      return { operation: "assignRoles", call: Users.assignRoles(id, body!.roles), decoded: none }
    case "DELETE roles":
      return { operation: "removeRoles", call: Users.removeRoles(id, body!.roles), decoded: none }
    case "GET roles":
      return {
        operation: "roles",
        call: Users.roles(id, { per_page: Number(rec.query.per_page) }),
        decoded: withLength("roles")
      }
    case "POST permissions":
      return { operation: "assignPermissions", call: Users.assignPermissions(id, body!.permissions), decoded: none }
    case "DELETE permissions":
      return { operation: "removePermissions", call: Users.removePermissions(id, body!.permissions), decoded: none }
    case "GET permissions":
      return {
        operation: "permissions",
        call: Users.permissions(id, { per_page: Number(rec.query.per_page) }),
        decoded: withLength("permissions")
      }
  }
  return undefined
}

const mapped = recordingsRbac.filter((rec) => replayOf(rec) !== undefined)

describe("the roles and permissions recordings", () => {
  it("map to the six operations; the rest are setup steps outside the user roles and permissions", () => {
    assert.deepStrictEqual([...new Set(mapped.map((rec) => replayOf(rec)!.operation))].sort(), [
      "assignPermissions",
      "assignRoles",
      "permissions",
      "removePermissions",
      "removeRoles",
      "roles"
    ])
    assert.deepStrictEqual(
      recordingsRbac
        .filter((rec) => !mapped.includes(rec))
        .map((rec) => `${rec.method} ${rec.path.replace(/\/[^/]*\d[^/]*$/, "/{id}")}`),
      [
        "POST /api/v2/users",
        "POST /api/v2/roles",
        "DELETE /api/v2/roles/{id}",
        "DELETE /api/v2/users/{id}",
        "POST /api/v2/users",
        "POST /api/v2/resource-servers",
        "DELETE /api/v2/resource-servers/{id}",
        "DELETE /api/v2/users/{id}"
      ]
    )
  })
})

describe("replay of the roles and permissions recordings", () => {
  for (const rec of mapped) {
    it.effect(title(rec), () =>
      Effect.gen(function* () {
        const replay = replayOf(rec)!
        const { outcome, seen } = yield* replayOnce(rec, replay.call)

        assertSentAsRecorded(seen, rec)
        assert.strictEqual(outcome._tag, "Right", `the recorded ${rec.status} answer decodes`)
        if (outcome._tag === "Right") assert.deepStrictEqual(outcome.right, replay.decoded(rec.responseBody))
      })
    )
  }
})
