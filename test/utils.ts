import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as Tracer from "effect/Tracer"
import * as Auth0Http from "../src/Auth0Http.js"
import { FakeAuth0 } from "../src/testing/index.js"

/** What the fake saw of one request. */
export interface Seen {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

export type Handler = (seen: Seen) => Response | Effect.Effect<Response>

export const bodyText = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : String(body.body)
    case "Empty":
      return undefined
    default:
      return `<${body._tag}>`
  }
}

/** A fake `HttpClient`: no sockets; records every request in `log` and answers with `handler`. */
export const fakeHttp = (handler: Handler, log: Array<Seen> = []): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) => {
      const seen: Seen = { method: request.method, url, headers: request.headers, body: bodyText(request) }
      log.push(seen)
      const out = handler(seen)
      return Effect.map(Effect.isEffect(out) ? out : Effect.succeed(out), (response) =>
        HttpClientResponse.fromWeb(request, response)
      )
    })
  )

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers }
  })

export const empty = (status = 204): Response => new Response(null, { status })

export const DOMAIN = "tenant.eu.auth0.com"

type Reply = Response | Effect.Effect<Response>

/**
 * A scripted tenant: `/oauth/token` issues `tok-1`, `tok-2`, … (unless `token`
 * answers otherwise), everything else answers `api` or a user. `n` is 1-based.
 */
export const scriptedTenant = (
  handlers: {
    readonly token?: (seen: Seen, n: number) => Reply
    readonly api?: (seen: Seen, n: number) => Reply
  } = {}
) => {
  const log: Array<Seen> = []
  let tokens = 0
  let api = 0
  const layer = fakeHttp((seen) => {
    if (seen.url.pathname.endsWith("/oauth/token")) {
      tokens++
      return handlers.token
        ? handlers.token(seen, tokens)
        : json({ access_token: `tok-${tokens}`, expires_in: 86400, token_type: "Bearer" })
    }
    api++
    return handlers.api ? handlers.api(seen, api) : json({ user_id: "auth0|1" })
  }, log)
  return {
    log,
    layer,
    tokenCalls: () => log.filter((seen) => seen.url.pathname.endsWith("/oauth/token")),
    apiCalls: () => log.filter((seen) => !seen.url.pathname.endsWith("/oauth/token"))
  }
}

/** `Auth0Http` with client credentials (`cid` / `sekrit-value`) over `http`, retries off. */
export const credentials = (
  http: Layer.Layer<HttpClient.HttpClient>,
  extra: Partial<Omit<Auth0Http.ClientCredentialsOptions, "domain" | "clientId" | "clientSecret">> = {}
) =>
  Auth0Http.layer({
    domain: DOMAIN,
    clientId: "cid",
    clientSecret: Redacted.make("sekrit-value"),
    retry: false,
    ...extra
  }).pipe(Layer.provide(http))

/** Let the test clock run in small steps until the fiber is done, then join it. */
export const drive = <A, E>(
  fiber: Fiber.RuntimeFiber<A, E>,
  step: Duration.DurationInput = "50 millis",
  maxSteps = 2000
): Effect.Effect<A, E> =>
  Effect.gen(function* () {
    for (let i = 0; i < maxSteps; i++) {
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      yield* TestClock.adjust(step)
    }
    return yield* Fiber.join(fiber)
  })

/**
 * A fake tenant with `count` users behind a rate limit (one bucket or a bucket per class), and client
 * layers over it: each layer its own pacers, as a process of its own would have. Sent once unless
 * `retry` says otherwise.
 */
export const pacedTenant = (rateLimit: FakeAuth0.RateLimitOptions | FakeAuth0.BucketRateLimitOptions, count = 5) =>
  Effect.gen(function* () {
    const tenant = yield* FakeAuth0.make({ rateLimit: false })
    const users = yield* tenant.seedUsers(
      Array.from({ length: count }, (_, i) => ({
        connection: "Username-Password-Authentication",
        email: `u${i}@example.com`
      }))
    )
    const token = yield* tenant.issueToken()
    yield* tenant.setRateLimit(rateLimit)
    const client = (options: Partial<Auth0Http.CommonOptions> = {}) =>
      Auth0Http.layer({ domain: tenant.domain, token, retry: false, ...options }).pipe(
        Layer.provide(Layer.succeed(HttpClient.HttpClient, FakeAuth0.httpClient(tenant)))
      )
    return { tenant, ids: users.map((u) => u.user_id), client }
  })

/** Run `effect` with a tracer that records every span it starts. */
export const withRecordedSpans = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const spans: Array<Tracer.Span> = []
    const base = yield* Effect.tracer
    const tracer = Tracer.make({
      span: (...args) => {
        const span = base.span(...args)
        spans.push(span)
        return span
      },
      context: (f, fiber) => base.context(f, fiber)
    })
    const result = yield* Effect.withTracer(effect, tracer)
    return { result, spans } as const
  })
