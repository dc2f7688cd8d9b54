/**
 * Replays the real Auth0 traffic of test/fixtures/recordings.ts against the
 * served fake over real HTTP (`fetch`), one recorded go test at a time and in
 * its order, and compares the answers with what Auth0 answered: the status,
 * the content type, the shape (keys of every object, arrays where Auth0 sent
 * arrays) and the values once ids, dates and generated codes are masked.
 *
 * The fake makes its own ids, so every recorded id is mapped to a fake one:
 * users the recording creates are mapped from the fake's 201, users it only
 * refers to are seeded first (from the profile the recording shows).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { FakeAuth0 } from "../../src/testing/index.js"
import { type RecordedInteraction, recordings } from "../fixtures/recordings.js"
import { bareId, DB, sortedKeys, type Tenant } from "./FakeAuth0.helpers.js"

// ---------------------------------------------------------------------------------------------
// Replay machinery
// ---------------------------------------------------------------------------------------------

interface Context {
  readonly tenant: Tenant
  readonly baseUrl: string
  /** Recorded 24-hex id → the fake's. */
  readonly ids: Map<string, string>
  token: string
}

const HEX_ID = /[0-9a-f]{24}/g

const substitute = (ctx: Context, text: string): string => text.replace(HEX_ID, (hex) => ctx.ids.get(hex) ?? hex)

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** What to send for a recorded request: the same method, path, query and body, with the fake's ids and credentials. */
const requestFor = (ctx: Context, recorded: RecordedInteraction): { url: string; init: RequestInit } => {
  const url = `${ctx.baseUrl}${substitute(ctx, recorded.path)}${recorded.rawQuery === "" ? "" : `?${recorded.rawQuery}`}`
  const headers: Record<string, string> = { accept: "application/json" }
  let body: string | undefined
  if (recorded.path === "/oauth/token") {
    const fields = {
      ...(recorded.requestBody as Record<string, string>),
      audience: `https://${ctx.tenant.domain}/api/v2/`,
      client_id: ctx.tenant.clientId,
      client_secret: Redacted.value(ctx.tenant.clientSecret)
    }
    body = new URLSearchParams(fields).toString()
    headers["content-type"] = recorded.requestContentType ?? "application/x-www-form-urlencoded"
  } else {
    headers.authorization = `Bearer ${ctx.token}`
    if (recorded.requestBody !== undefined) {
      body = substitute(ctx, JSON.stringify(recorded.requestBody))
      headers["content-type"] = recorded.requestContentType ?? "application/json"
    }
  }
  return { url, init: { method: recorded.method, headers, ...(body !== undefined ? { body } : {}) } }
}

interface Answer {
  readonly status: number
  readonly contentType: string | null
  readonly text: string
  readonly json: unknown
}

const send = (ctx: Context, recorded: RecordedInteraction) =>
  Effect.promise(async (): Promise<Answer> => {
    const { url, init } = requestFor(ctx, recorded)
    const response = await fetch(url, init)
    const text = await response.text()
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      text,
      json: text === "" ? undefined : (JSON.parse(text) as unknown)
    }
  })

/** Keys of every object, arrays where the recording has arrays (of the same length), the same primitive types. */
const expectSameShape = (actual: unknown, recorded: unknown, where: string): void => {
  if (Array.isArray(recorded)) {
    expect(Array.isArray(actual), `${where} is an array`).toBe(true)
    const items = actual as Array<unknown>
    expect(items.length, `${where}.length`).toBe(recorded.length)
    recorded.forEach((item, i) => expectSameShape(items[i], item, `${where}[${i}]`))
  } else if (isObject(recorded)) {
    expect(isObject(actual), `${where} is an object`).toBe(true)
    expect(sortedKeys(actual), `keys of ${where}`).toEqual(sortedKeys(recorded))
    for (const key of Object.keys(recorded)) {
      expectSameShape((actual as Record<string, unknown>)[key], recorded[key], `${where}.${key}`)
    }
  } else {
    expect(typeof actual, `type of ${where}`).toBe(typeof recorded)
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const USER_ID = /^(auth0\|)?[0-9a-f]{24}$/
const GRAVATAR =
  /^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?s=480&r=pg&d=https%3A%2F%2Fcdn\.auth0\.com%2Favatars%2F([a-z0-9]{1,2})\.png$/
const RECOVERY_CODE = /^[A-Z0-9]{24}$/

/** Mask what differs by nature between two tenants (ids, times, generated codes), keep everything else. */
const mask = (value: unknown, key = ""): unknown => {
  if (Array.isArray(value)) return value.map((item) => mask(item))
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]))
  if (typeof value !== "string") return value
  if (key === "access_token") return "<token>"
  if ((key === "user_id" || key === "id") && USER_ID.test(value)) return "<user id>"
  if (ISO.test(value)) return "<date>"
  if (key === "recovery_code" && RECOVERY_CODE.test(value)) return "<recovery code>"
  const gravatar = GRAVATAR.exec(value)
  if (gravatar !== null) return `<gravatar ${gravatar[1]}>`
  return value
}

/**
 * Known and reported divergences, removed before comparing:
 * - the fake's client-credentials answer also has `scope` (real Auth0 sends it too; the go-auth0
 *   recording was made with a token fixture that lacks it);
 * - the fake's identity `profileData` has `name` even when it was only defaulted from the email
 *   (see the `it.fails` test below).
 */
const withoutKnownDivergences = (recorded: RecordedInteraction, json: unknown): unknown => {
  if (recorded.path === "/oauth/token" && isObject(json)) {
    const { scope, ...rest } = json
    expect(typeof scope).toBe("string")
    return rest
  }
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip)
    if (!isObject(value)) return value
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === "profileData" && isObject(v)) {
          const { name, ...profile } = v
          void name
          return [k, profile]
        }
        return [k, strip(v)]
      })
    )
  }
  return strip(json)
}

const mediaType = (contentType: string | null | undefined) => contentType?.split(";")[0]?.trim()

/** Replay one recorded interaction and compare the answer with Auth0's. */
const replay = (ctx: Context, recorded: RecordedInteraction) =>
  Effect.gen(function* () {
    const answer = yield* send(ctx, recorded)
    const where = recorded.name
    expect(answer.status, `${where}: status (${answer.text})`).toBe(recorded.status)
    if (recorded.responseBody === undefined) {
      expect(answer.text, `${where}: empty body`).toBe("")
    } else {
      expect(mediaType(answer.contentType), `${where}: content-type`).toBe(
        mediaType(recorded.responseHeaders["content-type"])
      )
      const actual = withoutKnownDivergences(recorded, answer.json)
      expectSameShape(actual, recorded.responseBody, where)
      expect(mask(actual), `${where}: values`).toEqual(mask(recorded.responseBody))
    }
    // A user the recording creates: map its recorded id to the fake's.
    if (recorded.method === "POST" && recorded.path === "/api/v2/users" && recorded.status === 201) {
      const recordedId = (recorded.responseBody as { user_id: string }).user_id
      ctx.ids.set(bareId(recordedId), bareId((answer.json as { user_id: string }).user_id))
    }
    return answer
  })

// ---------------------------------------------------------------------------------------------
// Seeding the users a recording refers to without creating them
// ---------------------------------------------------------------------------------------------

const PROFILE_FIELDS = [
  "email",
  "email_verified",
  "given_name",
  "family_name",
  "username",
  "nickname",
  "picture",
  "blocked",
  "user_metadata",
  "app_metadata"
]

const profileFrom = (source: unknown): Record<string, unknown> =>
  Object.fromEntries(Object.entries(isObject(source) ? source : {}).filter(([key]) => PROFILE_FIELDS.includes(key)))

/** Seed a user standing for `recordedId` (with the given profile) and map the ids. */
const seedAs = (ctx: Context, recordedId: string, profile: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const hex = bareId(recordedId)
    const [user] = yield* Effect.orDie(
      ctx.tenant.seedUsers([{ connection: DB, email: `${hex}@example.com`, ...profile }])
    )
    ctx.ids.set(hex, bareId(user!.user_id))
    return user!
  })

const idIn = (path: string): string => decodeURIComponent(path.split("/")[4]!)

const byName = (name: string): RecordedInteraction => {
  const found = recordings.find((r) => r.name === name)
  if (found === undefined) throw new Error(`no recording ${name}`)
  return found
}

const linkSetup = (linkName: string) => (ctx: Context) =>
  Effect.gen(function* () {
    const link = byName(linkName)
    const [primary, secondary] = link.responseBody as Array<{ user_id: string; profileData: unknown }>
    yield* seedAs(ctx, idIn(link.path), profileFrom(primary!.profileData))
    yield* seedAs(ctx, secondary!.user_id, profileFrom(secondary!.profileData))
  })

interface Flow {
  /** The go test. */
  readonly test: string
  /** Interaction names, in recorded order. */
  readonly steps: ReadonlyArray<string>
  readonly setup?: (ctx: Context) => Effect.Effect<void>
  /** Checks beyond the recorded answers, after the steps. */
  readonly after?: (ctx: Context, answers: ReadonlyArray<Answer>) => Effect.Effect<void>
}

const FLOWS: ReadonlyArray<Flow> = [
  {
    test: "TestLoginWithClientCredentials_Should_return_tokens",
    steps: ["TestLoginWithClientCredentials_Should_return_tokens#0"],
    after: (ctx, [answer]) =>
      Effect.gen(function* () {
        // The issued token works against the API.
        ctx.token = (answer!.json as { access_token: string }).access_token
        const list = yield* Effect.promise(() =>
          fetch(`${ctx.baseUrl}/api/v2/users`, { headers: { authorization: `Bearer ${ctx.token}` } })
        )
        expect(list.status).toBe(200)
      })
  },
  { test: "TestUserManager_Create", steps: ["TestUserManager_Create#0", "TestUserManager_Create#1"] },
  {
    test: "TestUserManager_Read",
    steps: ["TestUserManager_Read#0", "TestUserManager_Read#1", "TestUserManager_Read#2"]
  },
  { test: "TestUserManager_Update", steps: ["TestUserManager_Update#0", "TestUserManager_Update#1"] },
  {
    test: "TestUserManager_Delete",
    steps: [
      "TestUserManager_Delete#0",
      "TestUserManager_Delete#1",
      "TestUserManager_Delete#2",
      "TestUserManager_Delete#3"
    ]
  },
  {
    test: "TestUserManager_List",
    steps: ["TestUserManager_List#1"],
    setup: (ctx) =>
      Effect.gen(function* () {
        const [user] = (byName("TestUserManager_List#1").responseBody as { users: Array<{ user_id: string }> }).users
        yield* seedAs(ctx, user!.user_id, profileFrom(user))
        yield* seedAs(ctx, "000000000000000000000001", { username: "test-user999" })
      })
  },
  {
    test: "TestUserManager_Search",
    steps: ["TestUserManager_Search#1"],
    setup: (ctx) =>
      Effect.gen(function* () {
        const [user] = (byName("TestUserManager_Search#1").responseBody as { users: Array<{ user_id: string }> }).users
        yield* seedAs(ctx, user!.user_id, profileFrom(user))
        yield* seedAs(ctx, "000000000000000000000002", { email: "chuck905@example.com" })
      })
  },
  {
    test: "TestUserManager_AuthenticationMethods",
    steps: ["TestUserManager_AuthenticationMethods#10"],
    setup: (ctx) =>
      Effect.gen(function* () {
        const user = yield* seedAs(ctx, idIn(byName("TestUserManager_AuthenticationMethods#10").path))
        yield* Effect.orDie(
          ctx.tenant.seedEnrollments(user.user_id, [{ id: "dev_1", status: "confirmed", type: "authenticator" }])
        )
      }),
    after: (ctx) =>
      Effect.gen(function* () {
        const [user] = yield* ctx.tenant.users
        const answer = yield* Effect.promise(() =>
          fetch(`${ctx.baseUrl}/api/v2/users/${encodeURIComponent(user!.user_id)}/enrollments`, {
            headers: { authorization: `Bearer ${ctx.token}` }
          }).then((r) => r.json())
        )
        expect(answer).toEqual([])
      })
  },
  {
    test: "TestUserManager_Enrollments",
    steps: ["TestUserManager_Enrollments#1"],
    setup: (ctx) => Effect.asVoid(seedAs(ctx, idIn(byName("TestUserManager_Enrollments#1").path)))
  },
  {
    test: "TestUserManager_Link",
    steps: ["TestUserManager_Link#3"],
    setup: linkSetup("TestUserManager_Link#3"),
    after: (ctx) =>
      Effect.gen(function* () {
        // The secondary is gone: only the primary is left.
        expect((yield* ctx.tenant.users).map((u) => u.identities)).toHaveLength(1)
      })
  },
  {
    test: "TestUserManager_Unlink",
    steps: ["TestUserManager_Unlink#3", "TestUserManager_Unlink#4"],
    setup: linkSetup("TestUserManager_Unlink#3"),
    after: (ctx) =>
      Effect.gen(function* () {
        // The secondary is a user again.
        expect(yield* ctx.tenant.users).toHaveLength(2)
      })
  },
  {
    test: "TestUserManager_GetUserLogs",
    steps: ["TestUserManager_GetUserLogs#1"],
    setup: (ctx) => Effect.asVoid(seedAs(ctx, idIn(byName("TestUserManager_GetUserLogs#1").path)))
  },
  {
    test: "TestUserManager_RegenerateRecoveryCode",
    steps: ["TestUserManager_RegenerateRecoveryCode#1"],
    // As recorded: the user was created a moment before and has no confirmed enrollment, and Auth0 answered 200.
    setup: (ctx) => Effect.asVoid(seedAs(ctx, idIn(byName("TestUserManager_RegenerateRecoveryCode#1").path)))
  },
  {
    test: "TestUserManager_Roles",
    steps: ["TestUserManager_Roles#3"],
    setup: (ctx) =>
      Effect.gen(function* () {
        const recorded = byName("TestUserManager_Roles#3")
        const user = yield* seedAs(ctx, idIn(recorded.path))
        const roles = (recorded.responseBody as { roles: Array<{ id: string; name: string; description: string }> })
          .roles
        yield* ctx.tenant.seedRoles([...roles, { id: "rol_0therRoleNotMine", name: "other" }])
        yield* Effect.orDie(
          ctx.tenant.assignRoles(
            user.user_id,
            roles.map((r) => r.id)
          )
        )
      })
  },
  {
    // Between #3 and #5 the go test removes the role (DELETE /users/{id}/roles), an endpoint this project
    // does not cover; #5 is replayed against a user that has no role.
    test: "TestUserManager_Roles (after the role was removed)",
    steps: ["TestUserManager_Roles#5"],
    setup: (ctx) => Effect.asVoid(seedAs(ctx, idIn(byName("TestUserManager_Roles#5").path)))
  }
]

/** The interactions of endpoints the fake does not serve (not user endpoints). */
const OUT_OF_SCOPE = (r: RecordedInteraction) => r.path.startsWith("/api/v2/jobs/")

describe("the fake answers the recorded requests as Auth0 did", () => {
  it("every recorded user-endpoint and token interaction is replayed, in recorded order", () => {
    const replayed = FLOWS.flatMap((flow) => flow.steps)
    expect([...replayed].sort()).toEqual(
      recordings
        .filter((r) => !OUT_OF_SCOPE(r))
        .map((r) => r.name)
        .sort()
    )
    for (const flow of FLOWS) {
      const indexes = flow.steps.map((name) => recordings.findIndex((r) => r.name === name))
      expect(indexes).toEqual([...indexes].sort((a, b) => a - b))
    }
  })

  for (const flow of FLOWS) {
    it.scopedLive(flow.test, () =>
      Effect.gen(function* () {
        const tenant = yield* FakeAuth0.make({ seed: 2023 })
        const baseUrl = yield* FakeAuth0.serve({ tenant, port: 0 })
        const ctx: Context = { tenant, baseUrl, ids: new Map(), token: Redacted.value(yield* tenant.issueToken()) }
        if (flow.setup !== undefined) yield* flow.setup(ctx)
        const answers: Array<Answer> = []
        for (const name of flow.steps) answers.push(yield* replay(ctx, byName(name)))
        if (flow.after !== undefined) yield* flow.after(ctx, answers)
        // Every request reached the fake, and got the recorded status.
        const statuses = (yield* tenant.requests).slice(0, flow.steps.length).map((r) => r.status)
        expect(statuses).toEqual(flow.steps.map((name) => byName(name).status))
      })
    )
  }

  // BUG (src/testing/internal/store.ts, profileOf / PROFILE_KEYS): the fake copies the defaulted root `name`
  // (the email) into identity.profileData; Auth0's recorded link answer has no `name` there.
  it.scopedLive("identity profileData holds only the profile the user was given (recorded Link#3)", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make()
      const baseUrl = yield* FakeAuth0.serve({ tenant, port: 0 })
      const ctx: Context = { tenant, baseUrl, ids: new Map(), token: Redacted.value(yield* tenant.issueToken()) }
      yield* linkSetup("TestUserManager_Link#3")(ctx)
      const recorded = byName("TestUserManager_Link#3")
      const answer = yield* send(ctx, recorded)
      expect(answer.status).toBe(201)
      const recordedProfiles = (recorded.responseBody as Array<{ profileData: unknown }>).map((i) =>
        sortedKeys(i.profileData)
      )
      const fakeProfiles = (answer.json as Array<{ profileData: unknown }>).map((i) => sortedKeys(i.profileData))
      expect(fakeProfiles).toEqual(recordedProfiles)
    })
  )
})
