import { assert, describe, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import {
  Cause,
  Context,
  Effect,
  Exit,
  Fiber,
  Inspectable,
  Layer,
  Logger,
  Option,
  Redacted,
  Schema,
  TestClock,
  Tracer
} from "effect"
import * as util from "node:util"
import { Auth0Error, Auth0Http, Users } from "../src/index.js"
import { bodyText, empty, json } from "./utils.js"

const SECRET = "SECRET-abc123"
const TOKEN = "TOKEN-xyz789"
const PASSWORD = "PASSWORD-pw4567"
const NEEDLES = [SECRET, TOKEN, PASSWORD]

// ---------------------------------------------------------------------------------------------
// A fake Auth0 that records what it was sent (so we can check the secrets did travel, where they
// should), answers per scenario, and can fail in transport like a reset connection.

interface Seen {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

type Reply = Response | Effect.Effect<Response> | "reset"

const issue = () => json({ access_token: TOKEN, expires_in: 86400, token_type: "Bearer" })
const user = () => json({ user_id: "auth0|1" })
const answer = (status: number, body: object = {}, headers: Record<string, string> = {}) =>
  json({ statusCode: status, error: "Error", message: `status ${status}`, ...body }, status, headers)

const server = (handlers: { readonly token?: () => Reply; readonly api?: () => Reply }) => {
  const seen: Array<Seen> = []
  const layer = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) =>
      Effect.gen(function* () {
        seen.push({ method: request.method, url, headers: request.headers, body: bodyText(request) })
        const isToken = url.pathname === "/oauth/token"
        const out = isToken ? (handlers.token ?? issue)() : (handlers.api ?? user)()
        if (out === "reset") {
          return yield* Effect.fail(
            new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("ECONNRESET") })
          )
        }
        const response = Effect.isEffect(out) ? yield* out : out
        return HttpClientResponse.fromWeb(request, response)
      })
    )
  )
  return { seen, layer }
}

// ---------------------------------------------------------------------------------------------
// A tracer that keeps every span, attribute, event and end state.

class RecordingSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId = Math.random().toString(16).slice(2)
  readonly traceId: string
  readonly sampled = true
  readonly attributes = new Map<string, unknown>()
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> | undefined }> = []
  readonly links: Array<Tracer.SpanLink>
  status: Tracer.SpanStatus
  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.traceId = Option.isSome(parent) ? parent.value.traceId : Math.random().toString(16).slice(2)
    this.links = [...links]
    this.status = { _tag: "Started", startTime }
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push({ name, attributes })
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

const recordingTracer = () => {
  const spans: Array<RecordingSpan> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const span = new RecordingSpan(name, parent, context, links, startTime, kind)
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

/**
 * What a span exporter could send: name, attributes, events, and how it ended. For our own spans
 * that is every printed form of the failure. The `http.client …` spans are @effect/platform's: they
 * end with the platform's own `RequestError`, which holds the request, headers and body included
 * (a structural dump such as `util.inspect(exit)` shows `authorization: Bearer …`); for those we
 * check what `@effect/opentelemetry` exports of a failure: `Cause.prettyErrors` message, name and
 * stack, and `Cause.pretty`.
 */
const spanTexts = (span: RecordingSpan): Array<string> => {
  const texts = [span.name]
  for (const [key, value] of span.attributes) texts.push(key, String(value), Inspectable.format(value))
  for (const event of span.events) texts.push(event.name, Inspectable.format(event.attributes))
  if (span.status._tag === "Ended" && Exit.isFailure(span.status.exit)) {
    const cause = span.status.exit.cause
    texts.push(Cause.pretty(cause))
    for (const pretty of Cause.prettyErrors(cause)) texts.push(pretty.name, pretty.message, pretty.stack ?? "")
    if (!span.name.startsWith("http.client")) texts.push(...causeTexts(cause))
  }
  return texts
}

// ---------------------------------------------------------------------------------------------
// Every printed form of an error we can think of.

const AnyAuth0Error = Schema.Union(
  Auth0Error.RateLimited,
  Auth0Error.NotFound,
  Auth0Error.Unauthorized,
  Auth0Error.Forbidden,
  Auth0Error.BadRequest,
  Auth0Error.Conflict,
  Auth0Error.ServerError,
  Auth0Error.UnexpectedStatus,
  Auth0Error.TransportError,
  Auth0Error.TimeoutError,
  Auth0Error.DecodeError
)

const errorTexts = (error: unknown): Array<string> => {
  const texts = [
    String(error),
    JSON.stringify(error) ?? "",
    Inspectable.format(error),
    Inspectable.toStringUnknown(error),
    util.inspect(error, { depth: null, showHidden: true, getters: true }),
    util.format("%o", error)
  ]
  if (error instanceof Error) texts.push(error.message, error.stack ?? "", util.inspect(error.cause, { depth: null }))
  if (Auth0Error.isAuth0Error(error)) {
    texts.push(JSON.stringify(Schema.encodeUnknownSync(AnyAuth0Error)(error)))
  }
  return texts
}

const causeTexts = (cause: Cause.Cause<unknown>): Array<string> => [
  Cause.pretty(cause),
  Cause.pretty(cause, { renderErrorCause: true }),
  String(cause),
  JSON.stringify(cause),
  util.inspect(cause, { depth: null }),
  ...[...Cause.failures(cause), ...Cause.defects(cause)].flatMap(errorTexts)
]

/** The needles found in any of `texts`, with where. */
const leaks = (where: string, texts: ReadonlyArray<string>): Array<string> =>
  texts.flatMap((text, i) => NEEDLES.filter((needle) => text.includes(needle)).map((n) => `${where}[${i}]: ${n}`))

// ---------------------------------------------------------------------------------------------
// A logger that formats each entry every way Effect's own loggers do.

const recordingLogger = () => {
  const lines: Array<string> = []
  const logger = Logger.make<unknown, void>((options) => {
    lines.push(
      Inspectable.format(options.message),
      Cause.pretty(options.cause),
      Inspectable.format(options.annotations),
      Logger.stringLogger.log(options),
      Logger.logfmtLogger.log(options),
      Logger.jsonLogger.log(options),
      JSON.stringify(Logger.structuredLogger.log(options))
    )
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
}

// ---------------------------------------------------------------------------------------------

interface Scenario {
  readonly name: string
  readonly token?: () => Reply
  readonly api?: () => Reply
  /** Default `Users.get`. */
  readonly run?: Effect.Effect<unknown, Auth0Error.Auth0Error, Auth0Http.Auth0Http>
  /** Whether the API is reached (so the token must have been sent there). */
  readonly reachesApi: boolean
}

const hang = () => Effect.never
const notJson = () => new Response("<html><body>Bad gateway</body></html>", { status: 200 })

const scenarios: ReadonlyArray<Scenario> = [
  {
    name: "token endpoint 401",
    token: () => answer(401, { error: "access_denied", error_description: "Unauthorized" }),
    reachesApi: false
  },
  {
    name: "token endpoint 403",
    token: () => answer(403, { error: "access_denied", error_description: "Client has no grant for this audience" }),
    reachesApi: false
  },
  { name: "token endpoint 500", token: () => answer(500), reachesApi: false },
  { name: "token endpoint 429", token: () => answer(429, {}, { "retry-after": "1" }), reachesApi: false },
  { name: "token endpoint non-JSON 200", token: notJson, reachesApi: false },
  {
    name: "token endpoint 200 that holds the token but does not decode",
    token: () => json({ access_token: TOKEN, expires_in: "a day" }),
    reachesApi: false
  },
  {
    name: "token endpoint 200 with a non-string access_token",
    token: () => json({ access_token: { value: TOKEN }, expires_in: 86400 }),
    reachesApi: false
  },
  { name: "token endpoint timeout", token: hang, reachesApi: false },
  { name: "token endpoint transport error", token: () => "reset", reachesApi: false },
  { name: "API 401", api: () => answer(401), reachesApi: true },
  { name: "API 403", api: () => answer(403, { errorCode: "insufficient_scope" }), reachesApi: true },
  { name: "API 404", api: () => answer(404, { errorCode: "inexistent_user" }), reachesApi: true },
  { name: "API 429", api: () => answer(429, {}, { "retry-after": "1", "x-ratelimit-reset": "2" }), reachesApi: true },
  { name: "API 500", api: () => answer(500), reachesApi: true },
  { name: "API 408", api: () => empty(408), reachesApi: true },
  { name: "API decode error", api: () => json({ email: "no-id@example.com" }), reachesApi: true },
  { name: "API non-JSON 200", api: notJson, reachesApi: true },
  { name: "API timeout", api: hang, reachesApi: true },
  { name: "API transport error", api: () => "reset", reachesApi: true },
  {
    name: "Users.create with a Redacted password, 400",
    api: () => answer(400, { errorCode: "invalid_body", message: "Password is too weak" }),
    run: Users.create("Username-Password-Authentication", {
      email: "a@example.com",
      password: Redacted.make(PASSWORD)
    }),
    reachesApi: true
  },
  {
    name: "Users.update with a Redacted password, transport error",
    api: () => "reset",
    run: Users.update("auth0|1", { password: Redacted.make(PASSWORD) }),
    reachesApi: true
  }
]

describe("Secrets: neither the client secret nor a token shows in any failure", () => {
  it("the leak detector works", () => {
    assert.isNotEmpty(leaks("canary", errorTexts(new Error(`Bearer ${TOKEN}`))))
    assert.isNotEmpty(leaks("canary", [util.inspect({ body: `client_secret=${SECRET}` })]))
    assert.isEmpty(leaks("canary", errorTexts(Redacted.make(SECRET))))
  })

  for (const scenario of scenarios) {
    it.effect(scenario.name, () =>
      Effect.gen(function* () {
        const s = server({
          ...(scenario.token ? { token: scenario.token } : {}),
          ...(scenario.api ? { api: scenario.api } : {})
        })
        const { spans, tracer } = recordingTracer()
        const logs = recordingLogger()
        const auth0 = Auth0Http.layer({
          domain: "tenant.eu.auth0.com",
          clientId: "cid",
          clientSecret: Redacted.make(SECRET),
          timeout: "2 seconds"
        }).pipe(Layer.provide(s.layer))

        const program = (scenario.run ?? Users.get("auth0|1")).pipe(
          Effect.provide(auth0),
          Effect.withSpan("caller"),
          Effect.exit,
          Effect.tap((exit) =>
            Exit.isFailure(exit)
              ? Effect.gen(function* () {
                  yield* Effect.logError(exit.cause)
                  yield* Effect.logError("the request failed", exit.cause)
                  for (const error of Cause.failures(exit.cause)) {
                    yield* Effect.logError(error)
                    yield* Effect.logError("failed").pipe(Effect.annotateLogs({ error }))
                  }
                })
              : Effect.void
          ),
          Effect.withTracer(tracer),
          Effect.provide(logs.layer)
        )
        const fiber = yield* Effect.fork(program)
        yield* TestClock.adjust("10 minutes")
        const polled = yield* Fiber.poll(fiber)
        assert.isTrue(Option.isSome(polled), "the request is still running")
        const outer = Option.getOrThrow(polled)
        assert.isTrue(Exit.isSuccess(outer), "the program itself (logging included) should not fail")
        if (!Exit.isSuccess(outer)) return
        const exit = outer.value

        // The secrets did go where they must, so the absence checks below are not vacuous.
        const tokenRequest = s.seen.find((seen) => seen.url.pathname === "/oauth/token")
        assert.include(tokenRequest?.body ?? "", `client_secret=${SECRET}`)
        const apiRequests = s.seen.filter((seen) => seen.url.pathname !== "/oauth/token")
        if (scenario.reachesApi) {
          assert.isNotEmpty(apiRequests)
          for (const seen of apiRequests) assert.strictEqual(seen.headers["authorization"], `Bearer ${TOKEN}`)
        } else {
          assert.isEmpty(apiRequests)
        }
        if (scenario.run !== undefined) assert.include(apiRequests[0]?.body ?? "", PASSWORD)

        assert.isTrue(Exit.isFailure(exit), "the scenario should fail")
        if (!Exit.isFailure(exit)) return
        const failures = [...Cause.failures(exit.cause)]
        assert.strictEqual(failures.length, 1, Cause.pretty(exit.cause))
        assert.isTrue(Auth0Error.isAuth0Error(failures[0]), `not an Auth0Error: ${Cause.pretty(exit.cause)}`)

        const found = [
          ...leaks("cause", causeTexts(exit.cause)),
          ...leaks("exit", [
            String(exit),
            JSON.stringify(exit),
            Inspectable.format(exit),
            util.inspect(exit, { depth: null })
          ]),
          ...leaks("log", logs.lines),
          ...spans.flatMap((span) => leaks(`span ${span.name}`, spanTexts(span)))
        ]
        assert.deepStrictEqual(found, [])

        // The recorders saw something, so their emptiness of secrets means something.
        assert.isAtLeast(logs.lines.length, 7 * 4)
        const names = spans.map((span) => span.name)
        assert.include(names, "caller")
        assert.include(names, "TokenProvider.clientCredentials")
        // The platform's http.client span (full URL, raw request) is turned off for every call to Auth0.
        assert.isFalse(
          names.some((name) => name.startsWith("http.client")),
          names.join(", ")
        )
        // One span of this library's per call, the operation's, carrying the route template; the token
        // request has its own.
        const own = spans.filter((span) => span.name !== "caller" && span.name !== "TokenProvider.clientCredentials")
        assert.strictEqual(own.length, 1, names.join(", "))
        assert.match(own[0]!.name, /^Users\./)
        assert.match(String(own[0]!.attributes.get("http.route")), /^\/api\/v2\/users(\/\{id\})?$/)
      })
    )
  }
})
