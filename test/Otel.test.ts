import { NodeSdk } from "@effect/opentelemetry"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { SpanStatusCode } from "@opentelemetry/api"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect, Fiber, Redacted, Schedule, Stream, TestClock } from "effect"
import { Retry, UserBlocks, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { pacedTenant } from "./utils.js"

/** A tracer provider that keeps every finished span in memory, as `examples/otel.ts` exports them. */
const recording = () => {
  const exporter = new InMemorySpanExporter()
  const layer = NodeSdk.layer(() => ({
    resource: { serviceName: "effect-auth0-test" },
    spanProcessor: new SimpleSpanProcessor(exporter)
  }))
  return { exporter, layer }
}

/** The bearer token of every request a client sends, to look for it in the spans. */
const tokenSpy = () => {
  const tokens = new Set<string>()
  const spy = HttpClient.tapRequest((request) =>
    Effect.sync(() => {
      const authorization = request.headers["authorization"]
      if (authorization !== undefined) tokens.add(authorization.replace(/^Bearer /, ""))
    })
  )
  return { tokens, spy }
}

const entries = (attributes: Readonly<Record<string, unknown>> | undefined) =>
  Object.entries(attributes ?? {}).flatMap(([key, value]) => [key, String(value)])

/** What the library puts on a span: its name, its attributes, and its events (the pacer's, the retries'). */
const own = (span: ReadableSpan): Array<string> => [
  span.name,
  ...entries(span.attributes),
  ...span.events
    .filter((event) => event.name !== "exception")
    .flatMap((event) => [event.name, ...entries(event.attributes)])
]

/** What the tracer adds to a failed span: the error's message as its status and its `exception` event. */
const failure = (span: ReadableSpan): Array<string> => [
  span.status.message ?? "",
  ...span.events.filter((event) => event.name === "exception").flatMap((event) => entries(event.attributes))
]

/** The secrets and personal data no span may hold, each also as it appears percent-encoded in a URL. */
const assertNoneOf = (
  spans: ReadonlyArray<ReadableSpan>,
  texts: (span: ReadableSpan) => ReadonlyArray<string>,
  forbidden: ReadonlyArray<string>
) => {
  const needles = forbidden.flatMap((value) => [value, encodeURIComponent(value)])
  for (const span of spans) {
    for (const text of texts(span)) {
      for (const needle of needles) {
        assert.isFalse(text.includes(needle), `span ${span.name} carries ${JSON.stringify(text)}`)
      }
    }
  }
}

/**
 * The default policy's waits are jittered, which leaves the TestClock at a fractional millisecond,
 * and the OpenTelemetry tracer's clock (nanoseconds as a BigInt) cannot read that.
 */
const steadyRetry: Retry.Policy = {
  while: Retry.defaultPolicy.while,
  schedule: Schedule.recurs(3).pipe(Schedule.addDelay(() => "1500 millis"))
}

describe("OpenTelemetry export", () => {
  it.effect(
    "operation spans: named after the operation, with the method and the route template, and no ids, emails, tokens or secrets",
    () => {
      const { exporter, layer } = recording()
      const { spy, tokens } = tokenSpy()
      return Effect.gen(function* () {
        const tenant = yield* FakeAuth0.Tenant
        const [alice, bob] = yield* tenant.seedUsers([
          { connection: "Username-Password-Authentication", email: "alice.secret@example.com", name: "Alice" },
          { connection: "Username-Password-Authentication", email: "bob.private@example.com" }
        ])
        yield* tenant.seedRoles([{ id: "rol_0tel0Role0Id0x", name: "auditor", description: "Audits" }])

        const created = yield* Users.create("Username-Password-Authentication", {
          email: "carol.hidden@example.com",
          password: Redacted.make("Sup3r-secret-passw0rd!")
        })
        yield* Users.get(alice!.user_id)
        yield* Users.update(bob!.user_id, { app_metadata: { plan: "gold" } })
        yield* Users.list({ q: 'email:"alice.secret@example.com"' })
        yield* Users.listByEmail("bob.private@example.com")
        yield* Users.assignRoles(alice!.user_id, ["rol_0tel0Role0Id0x"])
        yield* Users.roles(alice!.user_id)
        yield* UserBlocks.getByIdentifier("alice.secret@example.com")
        const missing = yield* Effect.flip(Users.get("auth0|ffffffffffffffffffffffff"))
        assert.strictEqual(missing._tag, "NotFound")
        yield* Stream.runDrain(Users.stream({ q: "email.domain:example.com" }))

        const spans = exporter.getFinishedSpans()
        const byName = (name: string) => spans.filter((span) => span.name === name)
        const expected: Array<[string, string, string]> = [
          ["Users.create", "POST", "/api/v2/users"],
          ["Users.get", "GET", "/api/v2/users/{id}"],
          ["Users.update", "PATCH", "/api/v2/users/{id}"],
          ["Users.list", "GET", "/api/v2/users"],
          ["Users.listByEmail", "GET", "/api/v2/users-by-email"],
          ["Users.assignRoles", "POST", "/api/v2/users/{id}/roles"],
          ["Users.roles", "GET", "/api/v2/users/{id}/roles"],
          ["UserBlocks.getByIdentifier", "GET", "/api/v2/user-blocks"]
        ]
        for (const [name, method, route] of expected) {
          const [span] = byName(name)
          assert.isDefined(span, `a span named ${name}; got ${spans.map((s) => s.name).join(", ")}`)
          assert.strictEqual(span!.attributes["http.request.method"], method, name)
          assert.strictEqual(span!.attributes["http.route"], route, name)
        }
        assert.strictEqual(byName("Users.get").length, 2, "the found user and the missing one")
        assert.isAtLeast(byName("Users.list").length, 2, "Users.list and the pages of Users.stream")
        // The platform's own client span would carry the full URL, with the ids and the search text.
        assert.deepStrictEqual(
          spans.filter((span) => span.name.startsWith("http.client") || "url.full" in span.attributes),
          []
        )

        assert.isAtLeast(tokens.size, 1, "the spy saw the bearer token")
        const missingId = "auth0|ffffffffffffffffffffffff"
        const secrets = [
          "alice.secret@example.com",
          "bob.private@example.com",
          "carol.hidden@example.com",
          "Sup3r-secret-passw0rd!",
          Redacted.value(tenant.clientSecret),
          ...tokens
        ]
        assertNoneOf(spans, own, [alice!.user_id, bob!.user_id, created.user_id, missingId, ...secrets])
        // A failed call's span holds its error's message, as every Effect span does: the request
        // line names the route, not the id it was about, and never a token, a secret or a user's data.
        const failed = spans.filter((span) => span.status.code === SpanStatusCode.ERROR)
        assert.deepStrictEqual(
          failed.map((span) => span.name),
          ["Users.get"]
        )
        assert.strictEqual(failed[0]!.status.message, missing.message)
        assert.include(missing.message, "GET /api/v2/users/{id} answered 404")
        assertNoneOf(spans, failure, [alice!.user_id, bob!.user_id, created.user_id, missingId, ...secrets])
      }).pipe(Effect.provide(FakeAuth0.layer({ client: { transformClient: spy } })), Effect.provide(layer))
    }
  )

  it.effect(
    "a request held by the pacer and one sent again after a 429 say so, with the bucket and the delay only",
    () => {
      const { exporter, layer } = recording()
      const { spy, tokens } = tokenSpy()
      return Effect.gen(function* () {
        const { client, ids, tenant } = yield* pacedTenant({ burst: 2, perSecond: 1 })
        // Paced: the third read waits for the refill instead of being sent into a 429.
        const paced = yield* Effect.fork(
          Effect.forEach(ids.slice(0, 3), (id) => Users.get(id), { discard: true }).pipe(
            Effect.provide(client({ transformClient: spy }))
          )
        )
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(paced)
        // Unpaced, with the default retry: the 429 is waited out and the read sent again.
        const retried = yield* Effect.fork(
          Effect.forEach(ids.slice(0, 4), (id) => Users.get(id), { discard: true }).pipe(
            Effect.provide(client({ pacing: false, retry: steadyRetry, transformClient: spy }))
          )
        )
        yield* TestClock.adjust("5 seconds")
        yield* Fiber.join(retried)

        const events = exporter
          .getFinishedSpans()
          .filter((span) => span.name === "Users.get")
          .flatMap((span) => span.events)
        const waits = events.filter((event) => event.name === "auth0.pacer.wait")
        assert.isAtLeast(waits.length, 1, "the held read has a wait event")
        for (const wait of waits) {
          assert.strictEqual(wait.attributes?.["auth0.rate_limit.bucket"], "readUsers")
          assert.isAbove(Number(wait.attributes?.["auth0.pacer.wait_ms"]), 0)
        }
        const retries = events.filter((event) => event.name === "auth0.retry")
        assert.isAtLeast(retries.length, 1, "the read answered 429 has a retry event")
        assert.strictEqual(retries[0]!.attributes?.["error.type"], "RateLimited")
        assert.isAbove(Number(retries[0]!.attributes?.["auth0.retry_after_ms"]), 0)
        assert.isAtLeast(tokens.size, 1, "the spy saw the bearer token")
        const spans = exporter.getFinishedSpans()
        const secrets = [...ids, ...tokens, Redacted.value(tenant.clientSecret)]
        assertNoneOf(spans, own, secrets)
        assertNoneOf(spans, failure, secrets)
      }).pipe(Effect.provide(layer))
    }
  )
})
