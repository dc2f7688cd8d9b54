/**
 * Replays the recorded cassettes of the lookups and user blocks (test/fixtures/recordingsLookup.ts)
 * against the served fake over real HTTP, whole and in order: the setup `POST /users` (whose answer
 * maps the recorded user id to the fake's), the lookup or block call, the cleanup delete. Each answer
 * must have the recorded status, content type, shape and values (ids and dates masked); no recorded
 * route may answer "Not Found". TestUserManager_Organizations made its organization and membership
 * through `/organizations`, which this project does not declare: the membership is seeded instead.
 *
 * Also the default picture of a created user, as recorded (TestUserManager_Create), and its md5.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Http from "node:http"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Users } from "../../src/index.js"
import { FakeAuth0 } from "../../src/testing/index.js"
import { gravatarHash } from "../../src/testing/internal/store.js"
import { byName } from "../fixtures/recordings.js"
import type { RecordedInteraction } from "../fixtures/recordings.js"
import { byNameLookup, recordingsLookup } from "../fixtures/recordingsLookup.js"
import { bareId, sortedKeys, type Tenant } from "./FakeAuth0.helpers.js"

interface Context {
  readonly tenant: Tenant
  readonly baseUrl: string
  readonly token: string
  /** Recorded 24-hex id → the fake's. */
  readonly ids: Map<string, string>
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const substitute = (ctx: Context, text: string) => text.replace(/[0-9a-f]{24}/g, (hex) => ctx.ids.get(hex) ?? hex)

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const USER_ID = /^(auth0\|)?[0-9a-f]{24}$/

const mask = (value: unknown, key = ""): unknown => {
  if (Array.isArray(value)) return value.map((item) => mask(item))
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]))
  if (typeof value !== "string") return value
  if (key === "user_id" && USER_ID.test(value)) return "<user id>"
  return ISO.test(value) ? "<date>" : value
}

const expectSameShape = (actual: unknown, recorded: unknown, where: string): void => {
  if (Array.isArray(recorded)) {
    expect(Array.isArray(actual), `${where} is an array`).toBe(true)
    expect((actual as Array<unknown>).length, `${where}.length`).toBe(recorded.length)
    recorded.forEach((item, i) => expectSameShape((actual as Array<unknown>)[i], item, `${where}[${i}]`))
  } else if (isObject(recorded)) {
    expect(sortedKeys(actual), `keys of ${where}`).toEqual(sortedKeys(recorded))
    for (const key of Object.keys(recorded)) {
      expectSameShape((actual as Record<string, unknown>)[key], recorded[key], `${where}.${key}`)
    }
  } else {
    expect(typeof actual, `type of ${where}`).toBe(typeof recorded)
  }
}

const send = (url: string, method: string, headers: Record<string, string>, body: string | undefined) =>
  new Promise<{ status: number; type: string | undefined; text: string }>((resolve, reject) => {
    const request = Http.request(url, { method, headers }, (response) => {
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (text += chunk))
      response.on("end", () => {
        const type = response.headers["content-type"]
        resolve({ status: response.statusCode ?? 0, type, text })
      })
    })
    request.on("error", reject)
    request.end(body)
  })

/** Send the recorded request as recorded (go-auth0's `{}` body on GETs included), with the fake's ids. */
const replay = (ctx: Context, rec: RecordedInteraction) =>
  Effect.gen(function* () {
    const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${ctx.token}` }
    const body = rec.requestBody === undefined ? undefined : substitute(ctx, JSON.stringify(rec.requestBody))
    if (body !== undefined) {
      headers["content-type"] = rec.requestContentType ?? "application/json"
      headers["content-length"] = String(Buffer.byteLength(body, "utf8"))
    }
    const url = `${ctx.baseUrl}${substitute(ctx, rec.path)}${rec.rawQuery === "" ? "" : `?${rec.rawQuery}`}`
    // node:http rather than fetch, which refuses a body on a GET: the fake gets go-auth0's `{}` as sent.
    const answer = yield* Effect.promise(() => send(url, rec.method, headers, body))
    expect(answer.text, `${rec.name}: a declared route`).not.toContain('"Not Found"')
    expect(answer.status, `${rec.name}: status (${answer.text})`).toBe(rec.status)
    if (rec.responseBody === undefined) {
      expect(answer.text, `${rec.name}: empty body`).toBe("")
    } else {
      expect(answer.type?.split(";")[0]).toBe(rec.responseHeaders["content-type"]?.split(";")[0])
      const json = JSON.parse(answer.text) as unknown
      expectSameShape(json, rec.responseBody, rec.name)
      expect(mask(json), `${rec.name}: values`).toEqual(mask(rec.responseBody))
      if (rec.method === "POST" && rec.path === "/api/v2/users") {
        const recorded = (rec.responseBody as { user_id: string }).user_id
        ctx.ids.set(bareId(recorded), bareId((json as { user_id: string }).user_id))
      }
    }
  })

const organizationsSetup = (ctx: Context) =>
  Effect.gen(function* () {
    const recorded = byNameLookup("TestUserManager_Organizations#3")
    const [user] = yield* ctx.tenant.users
    const { organizations } = recorded.responseBody as { organizations: Array<{ id: string; name: string }> }
    yield* Effect.orDie(ctx.tenant.seedOrganizations(user!.user_id, organizations))
  })

const FLOWS: ReadonlyArray<{
  readonly test: string
  /** Run after the step of this index, before the next one. */
  readonly after?: { readonly step: number; readonly run: (ctx: Context) => Effect.Effect<void> }
}> = [
  { test: "TestUserManager_ListByEmail" },
  { test: "TestUserManager_Organizations", after: { step: 0, run: organizationsSetup } },
  { test: "TestUserManager_Blocks" },
  { test: "TestUserManager_BlocksByIdentifier" },
  { test: "TestUserManager_Unblock" },
  { test: "TestUserManager_UnblockByIdentifier" }
]

const stepsOf = (test: string) => recordingsLookup.filter((rec) => rec.name.startsWith(`${test}#`))

describe("the served fake answers the recorded lookups and blocks as Auth0 did", () => {
  it("every recorded interaction belongs to a replayed flow", () => {
    expect(FLOWS.flatMap((flow) => stepsOf(flow.test)).map((rec) => rec.name)).toEqual(
      recordingsLookup.map((rec) => rec.name)
    )
  })

  for (const flow of FLOWS) {
    it.scopedLive(flow.test, () =>
      Effect.gen(function* () {
        const tenant = yield* FakeAuth0.make({ seed: 2023 })
        const baseUrl = yield* FakeAuth0.serve({ tenant, port: 0 })
        const ctx: Context = { tenant, baseUrl, token: Redacted.value(yield* tenant.issueToken()), ids: new Map() }
        const steps = stepsOf(flow.test)
        for (const [i, rec] of steps.entries()) {
          yield* replay(ctx, rec)
          if (flow.after?.step === i) yield* flow.after.run(ctx)
        }
        expect((yield* tenant.requests).map((r) => r.status)).toEqual(steps.map((rec) => rec.status))
      })
    )
  }
})

describe("the default picture", () => {
  it("is Gravatar's md5 of the email", () => {
    // RFC 1321's test vector, and the hash of TestUserManager_Create's email.
    expect(gravatarHash("abc")).toBe("900150983cd24fb0d6963f7d28e17f72")
    expect(gravatarHash(" Chuck@Example.com ")).toBe("0b79e7da7bc7877560620cf8f2cc93ae")
  })

  it.effect("of a created user is the recorded URL, d= fallback included (TestUserManager_Create#0)", () =>
    Effect.gen(function* () {
      const recorded = byName("TestUserManager_Create#0")
      const { connection, ...body } = recorded.requestBody as Record<string, string>
      const user = yield* Users.create(connection!, body)
      expect(user.picture).toBe((recorded.responseBody as { picture: string }).picture)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})
