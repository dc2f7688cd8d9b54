/**
 * Export the library's spans with OpenTelemetry: `npx tsx examples/otel.ts` prints each finished
 * span (run against the fake tenant, so it needs no Auth0 account). Every operation is a span named
 * after it (`Users.get`) with `http.request.method` and `http.route` (the path template, never the
 * filled-in path); a request the pacer held has an `auth0.pacer.wait` event, one sent again an
 * `auth0.retry` event. For a collector, replace the console exporter by
 * `new OTLPTraceExporter({ url })` from `@opentelemetry/exporter-trace-otlp-http` and the simple
 * processor by a `BatchSpanProcessor`.
 */
import { NodeSdk } from "@effect/opentelemetry"
import { ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect, Logger, LogLevel } from "effect"
import { Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

/** The application's tracing layer: provide it once, around everything that calls Auth0. */
export const TracingLive = NodeSdk.layer(() => ({
  resource: { serviceName: "user-admin" },
  spanProcessor: new SimpleSpanProcessor(new ConsoleSpanExporter())
}))

const program = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.Tenant
  const [user] = yield* tenant.seedUsers([{ connection: "Username-Password-Authentication", email: "a@example.com" }])
  yield* Users.get(user!.user_id)
  yield* Users.update(user!.user_id, { app_metadata: { plan: "gold" } })
  yield* Users.list({ q: 'app_metadata.plan:"gold"' })
}).pipe(
  // Rate-limit waits and retries are logged at debug level (bucket, milliseconds, error tag).
  Logger.withMinimumLogLevel(LogLevel.Debug),
  Effect.withSpan("promote-user"),
  Effect.provide(FakeAuth0.layer()),
  Effect.provide(TracingLive)
)

Effect.runPromise(program).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
