/**
 * Replays the recorded authentication-methods and MFA-action traffic (test/fixtures/recordingsAuthMethods.ts)
 * through the public API, against an `HttpClient` that answers with the recorded status, body and headers:
 * each request must be the recorded one (method, path, query byte for byte, body) and each recorded answer
 * must decode to what Auth0 sent.
 *
 * Documented exceptions: go-auth0 sends the body `null` on every GET and DELETE; `Users.*` sends none
 * (the fixture holds such bodies as `undefined`). The recorded POST of `invalidate-remember-browser` has
 * no body, and neither has ours.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { type Auth0Error, Auth0Http, Users } from "../src/index.js"
import { type RecordedInteraction, recordings } from "./fixtures/recordingsAuthMethods.js"
import { assertSentAsRecorded, replayOnce, title } from "./fixtures/replay.js"

interface Replay {
  readonly operation: string
  readonly call: Effect.Effect<unknown, Auth0Error.Auth0Error, Auth0Http.Auth0Http>
  /** What the recorded answer decodes to. */
  readonly decoded: (body: unknown) => unknown
}

const record = (u: unknown): Record<string, unknown> => {
  assert.isObject(u)
  return u as Record<string, unknown>
}

const same = (body: unknown) => body
const nothing = () => undefined

/** The public call that would have sent `rec`. */
const replayOf = (rec: RecordedInteraction): Replay => {
  if (rec.method === "POST" && rec.path === "/api/v2/users") {
    const { connection, ...rest } = record(rec.requestBody)
    // The password Redacted, as callers are told to pass it, in its recorded place.
    const body = Object.fromEntries(
      Object.entries(rest).map(([key, value]) => [key, key === "password" ? Redacted.make(String(value)) : value])
    )
    return { operation: "create", call: Users.create(String(connection), body), decoded: same }
  }
  const match = /^\/api\/v2\/users\/([^/]+)(?:\/(.+))?$/.exec(rec.path)
  assert.isNotNull(match, rec.path)
  const id = decodeURIComponent(match![1]!)
  const rest = match![2]
  const one = rest === undefined ? null : /^authentication-methods\/([^/]+)$/.exec(rest)
  const methodId = one === null ? undefined : decodeURIComponent(one[1]!)
  switch (`${rec.method} ${one === null ? (rest ?? "") : "authentication-methods/{id}"}`) {
    case "DELETE ":
      return { operation: "delete", call: Users.delete(id), decoded: nothing }
    case "GET authentication-methods":
      assert.deepStrictEqual(rec.query, { include_totals: "true", per_page: "50" })
      return {
        operation: "authenticationMethods",
        call: Users.authenticationMethods(id, { per_page: Number(rec.query.per_page) }),
        // No `length` in the envelope (and no `total` when empty): the decoded page counts the items.
        decoded: (body) => {
          const page = record(body)
          assert.isFalse("length" in page)
          return { ...page, length: (page.authenticators as Array<unknown>).length }
        }
      }
    case "POST authentication-methods":
      return {
        operation: "createAuthenticationMethod",
        call: Users.createAuthenticationMethod(id, rec.requestBody as Users.CreateAuthenticationMethodBody),
        decoded: same
      }
    case "PUT authentication-methods": {
      const methods = rec.requestBody as ReadonlyArray<Users.ReplacementAuthenticationMethod>
      return {
        operation: "replaceAuthenticationMethods",
        // The TOTP secret the way callers are told to pass it: Redacted.
        call: Users.replaceAuthenticationMethods(
          id,
          methods.map((m) =>
            typeof m.totp_secret === "string" ? { ...m, totp_secret: Redacted.make(m.totp_secret) } : m
          )
        ),
        decoded: same
      }
    }
    case "DELETE authentication-methods":
      return { operation: "deleteAuthenticationMethods", call: Users.deleteAuthenticationMethods(id), decoded: nothing }
    case "GET authentication-methods/{id}":
      return { operation: "authenticationMethod", call: Users.authenticationMethod(id, methodId!), decoded: same }
    case "PATCH authentication-methods/{id}":
      return {
        operation: "updateAuthenticationMethod",
        call: Users.updateAuthenticationMethod(id, methodId!, rec.requestBody as Users.UpdateAuthenticationMethodBody),
        decoded: same
      }
    case "DELETE authentication-methods/{id}":
      return {
        operation: "deleteAuthenticationMethod",
        call: Users.deleteAuthenticationMethod(id, methodId!),
        decoded: nothing
      }
    case "POST multifactor/actions/invalidate-remember-browser":
      return { operation: "invalidateRememberBrowser", call: Users.invalidateRememberBrowser(id), decoded: nothing }
    case "POST risk-assessments/clear":
      return {
        operation: "clearRiskAssessors",
        call: Users.clearRiskAssessors(id, rec.requestBody as Users.ClearRiskAssessorsBody),
        decoded: nothing
      }
  }
  throw new Error(`no Users operation maps to ${rec.name}: ${rec.method} ${rec.path}`)
}

describe("the authentication-method recordings", () => {
  it("cover every operation of the group but deleteAuthenticators (not recorded)", () => {
    const covered = new Set(recordings.map((rec) => replayOf(rec).operation))
    assert.deepStrictEqual([...covered].sort(), [
      "authenticationMethod",
      "authenticationMethods",
      "clearRiskAssessors",
      "create",
      "createAuthenticationMethod",
      "delete",
      "deleteAuthenticationMethod",
      "deleteAuthenticationMethods",
      "invalidateRememberBrowser",
      "replaceAuthenticationMethods",
      "updateAuthenticationMethod"
    ])
    assert.isFalse(recordings.some((rec) => rec.path.endsWith("/authenticators")))
  })

  it("hold an empty list without total, as Auth0 sent it", () => {
    const empty = recordings.filter(
      (rec) =>
        rec.method === "GET" && rec.path.endsWith("/authentication-methods") && !("total" in record(rec.responseBody))
    )
    assert.deepStrictEqual(
      empty.map((rec) => rec.responseBody),
      [
        { authenticators: [], start: 0, limit: 50 },
        { authenticators: [], start: 0, limit: 50 }
      ]
    )
  })
})

describe("replay through the public API", () => {
  for (const rec of recordings) {
    it.effect(title(rec), () =>
      Effect.gen(function* () {
        const replay = replayOf(rec)
        const { outcome, seen } = yield* replayOnce(rec, replay.call)

        // Percent-encoded as recorded: `auth0%7C…` and `email%7Cdev_…`.
        assertSentAsRecorded(seen, rec)

        assert.strictEqual(outcome._tag, "Right", `the recorded ${rec.status} answer decodes`)
        if (outcome._tag === "Right") assert.deepStrictEqual(outcome.right, replay.decoded(rec.responseBody))
      })
    )
  }
})
