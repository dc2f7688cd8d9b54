/**
 * Replays the recorded roles and permissions flows (test/fixtures/recordingsRbac.ts) against the
 * served fake over real HTTP, in recorded order: the user is created through the API (its recorded
 * id mapped to the fake's), the setup steps outside the user endpoints (`POST /roles`,
 * `POST /resource-servers`) are seeded instead from what the recording sent and got, and every
 * user step answers with the recorded status and, for the roles and permissions, the recorded body
 * byte for byte (same keys in the same order). The role and resource-server deletions are not user
 * endpoints and are skipped. No recorded route of the group may answer "Not Found".
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { FakeAuth0 } from "../../src/testing/index.js"
import type { RecordedInteraction } from "../fixtures/recordings.js"
import { byName, recordingsRbac } from "../fixtures/recordingsRbac.js"
import { bareId, type Tenant } from "./FakeAuth0.helpers.js"

interface Context {
  readonly tenant: Tenant
  readonly baseUrl: string
  readonly token: string
  /** Recorded 24-hex user id → the fake's. */
  readonly ids: Map<string, string>
}

const substitute = (ctx: Context, text: string) => text.replace(/[0-9a-f]{24}/g, (hex) => ctx.ids.get(hex) ?? hex)

const send = (ctx: Context, rec: RecordedInteraction) =>
  Effect.promise(async () => {
    const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${ctx.token}` }
    const body = rec.requestBody === undefined ? undefined : substitute(ctx, JSON.stringify(rec.requestBody))
    if (body !== undefined) headers["content-type"] = rec.requestContentType ?? "application/json"
    const query = rec.rawQuery === "" ? "" : `?${rec.rawQuery}`
    const response = await fetch(`${ctx.baseUrl}${substitute(ctx, rec.path)}${query}`, {
      method: rec.method,
      headers,
      ...(body !== undefined ? { body } : {})
    })
    const text = await response.text()
    return { status: response.status, text, contentType: response.headers.get("content-type") }
  })

/** Setup steps of the cassettes that the fake takes as seeds. */
const seedStep = (ctx: Context, rec: RecordedInteraction) =>
  Effect.gen(function* () {
    if (rec.method === "POST" && rec.path === "/api/v2/roles") {
      const role = rec.responseBody as { id: string; name: string; description: string }
      yield* ctx.tenant.seedRoles([role])
    } else if (rec.method === "POST" && rec.path === "/api/v2/resource-servers") {
      const sent = rec.requestBody as {
        identifier: string
        name: string
        scopes: Array<{ value: string; description: string }>
      }
      yield* ctx.tenant.seedResourceServers([{ identifier: sent.identifier, name: sent.name, scopes: sent.scopes }])
    }
  })

const isUserStep = (rec: RecordedInteraction) => rec.path === "/api/v2/users" || rec.path.startsWith("/api/v2/users/")

const flows = ["TestUserManager_Roles", "TestUserManager_Permissions"]

describe("the fake answers the recorded roles and permissions flows as Auth0 did", () => {
  it("every interaction is a user step or a setup step the fake seeds or skips", () => {
    const others = recordingsRbac
      .filter((rec) => !isUserStep(rec))
      .map((rec) => `${rec.method} ${rec.path.split("/")[3]}`)
    expect(others).toEqual(["POST roles", "DELETE roles", "POST resource-servers", "DELETE resource-servers"])
  })

  for (const flow of flows) {
    it.scopedLive(flow, () =>
      Effect.gen(function* () {
        const tenant = yield* FakeAuth0.make({ seed: 2023 })
        const baseUrl = yield* FakeAuth0.serve({ tenant, port: 0 })
        const ctx: Context = { tenant, baseUrl, token: Redacted.value(yield* tenant.issueToken()), ids: new Map() }
        const steps = recordingsRbac.filter((rec) => rec.name.startsWith(`${flow}#`))
        for (const rec of steps) {
          if (!isUserStep(rec)) {
            yield* seedStep(ctx, rec)
            continue
          }
          const answer = yield* send(ctx, rec)
          expect(answer.status, `${rec.name}: ${answer.text}`).toBe(rec.status)
          if (answer.status === 404) expect(JSON.parse(answer.text).message).not.toBe("Not Found")
          if (rec.method === "POST" && rec.path === "/api/v2/users") {
            const recorded = (rec.responseBody as { user_id: string }).user_id
            ctx.ids.set(bareId(recorded), bareId((JSON.parse(answer.text) as { user_id: string }).user_id))
          } else if (rec.responseBody === undefined) {
            expect(answer.text, `${rec.name}: empty body`).toBe("")
          } else if (/\/(roles|permissions)$/.test(rec.path)) {
            // Nothing in these bodies is generated (role ids were seeded as recorded): the same JSON text.
            expect(answer.contentType).toBe(rec.responseHeaders["content-type"])
            expect(answer.text, rec.name).toBe(JSON.stringify(rec.responseBody))
          }
        }
        const replayed = steps.filter(isUserStep)
        expect((yield* tenant.requests).map((r) => r.status)).toEqual(replayed.map((rec) => rec.status))
      })
    )
  }

  it.scopedLive("the role and permission steps reached their own handlers", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make()
      const baseUrl = yield* FakeAuth0.serve({ tenant, port: 0 })
      const ctx: Context = { tenant, baseUrl, token: Redacted.value(yield* tenant.issueToken()), ids: new Map() }
      // Against a user that does not exist, each answers Auth0's "The user does not exist.", not the router's 404.
      for (const name of ["TestUserManager_Roles#2", "TestUserManager_Roles#4", "TestUserManager_Permissions#3"]) {
        const answer = yield* send(ctx, byName(name))
        expect(answer.status).toBe(404)
        expect(JSON.parse(answer.text)).toMatchObject({
          message: "The user does not exist.",
          errorCode: "inexistent_user"
        })
      }
    })
  )
})
