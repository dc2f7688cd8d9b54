/**
 * One request to a declared endpoint, from the caller's input to a decoded
 * answer or a typed failure: the path filled and checked, the query and body
 * encoded as the declaration says, the token, pacing, concurrency, timeout,
 * 401 refresh, error mapping, decoding (a page read from its envelope) and
 * retries.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Schema from "effect/Schema"
import * as Tracer from "effect/Tracer"
import * as Auth0Error from "../Auth0Error.js"
import type * as Endpoint from "../Endpoint.js"
import type * as Retry from "../Retry.js"
import type * as TokenProvider from "../TokenProvider.js"
import * as Body from "./body.js"
import * as Page from "./codec/page.js"
import * as Query from "./codec/query.js"
import * as Decode from "./decode.js"
import * as Errors from "./errors.js"
import * as Events from "./events.js"
import * as Multipart from "./multipart.js"
import type * as Pacer from "./pacer.js"
import * as Path from "./path.js"
import * as Redirects from "./redirects.js"
import * as Timeout from "./timeout.js"

/** What a request takes when its endpoint is only known as `Endpoint.Any`. */
export interface AnyInput {
  readonly params?: Readonly<Record<string, string>> | undefined
  readonly query?: Endpoint.QueryRecord | undefined
  readonly body?: unknown
}

export interface Deps {
  readonly apiUrl: string
  readonly tokens: TokenProvider.TokenProvider.Service
  readonly client: HttpClient.HttpClient
  readonly timeout: Duration.Duration
  readonly maxResponseBytes: number
  readonly retry: Retry.Policy | false
  readonly pacers: ((bucket: Endpoint.Bucket) => Pacer.Pacer) | undefined
  readonly concurrency: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

const telemetry = btoa(JSON.stringify({ name: "effect-auth0", version: "0.1.0" }))

/** What every API request carries besides the token, built once rather than header by header per request. */
const fixedHeaders = Headers.fromInput({ accept: "application/json", "auth0-client": telemetry })

/** One answer, read to the end; `text` is none when the body was past `maxResponseBytes`. */
interface Answer {
  readonly status: number
  readonly headers: Headers.Headers
  readonly text: Option.Option<string>
}

/**
 * What cannot be sent as the caller wrote it, checked before anything is
 * built: a path segment that would leave its place or has no UTF-8 encoding,
 * a query value or body string with a lone surrogate (sent, it would arrive
 * as U+FFFD: another search, another value).
 */
const refusal = (
  where: { readonly method: string; readonly path: string },
  params: Readonly<Record<string, string>>,
  input: AnyInput
): Auth0Error.BadRequest | undefined => {
  for (const name of Object.keys(params)) {
    const problem = Path.segmentProblem(params[name]!)
    if (problem !== undefined) return Errors.invalidSegment(where, name, problem)
  }
  const query = input.query
  if (query !== undefined) {
    for (const key of Object.keys(query)) {
      const value = query[key]
      if (
        (value !== undefined && !Path.isWellFormed(key)) ||
        (typeof value === "string" && !Path.isWellFormed(value))
      ) {
        return Errors.unencodable(where, `The query parameter ${JSON.stringify(key)}`, "invalid_query_string")
      }
    }
  }
  if (input.body !== undefined) {
    const place = Path.bodyProblem(input.body)
    if (place !== undefined) return Errors.unencodable(where, `In the body, ${place}`, "invalid_body")
  }
  return undefined
}

/**
 * One span per call. The operations already run in a span named after their
 * endpoint (`Effect.fn("Users.get")`); that span gets the method and the
 * route template, never the filled-in path (ids, emails) or a header. A call
 * made outside such a span (`Auth0Http.request` used directly) opens one of
 * that name. A second span beneath the operation's cost some 15 µs of CPU per
 * call (the span, a copy of the context and a fiber-ref swap to install it).
 */
const withRouteSpan = <A, E>(
  endpoint: Endpoint.Any,
  route: string,
  effect: Effect.Effect<A, E>
): Effect.Effect<A, E> => {
  const method = endpoint.method
  return Effect.flatMap(Effect.serviceOption(Tracer.ParentSpan), (parent) => {
    if (Option.isSome(parent) && parent.value._tag === "Span" && parent.value.name === endpoint.name) {
      parent.value.attribute("http.request.method", method)
      parent.value.attribute("http.route", route)
      return effect
    }
    return Effect.withSpan(effect, endpoint.name, {
      kind: "client",
      attributes: { "http.request.method": method, "http.route": route }
    })
  })
}

/**
 * A request sent again says so, as the `auth0.retry` event of the operation's span and a debug log:
 * the failure's tag and, for a 429, the delay Auth0 asked for. Never its path, body or headers.
 */
const reportRetry = (error: Auth0Error.Auth0Error): Effect.Effect<void> =>
  Events.report(
    "auth0.retry",
    "effect-auth0: sending again",
    error._tag === "RateLimited" && error.retryAfter !== undefined
      ? { "error.type": error._tag, "auth0.retry_after_ms": Duration.toMillis(error.retryAfter) }
      : { "error.type": error._tag }
  )

/**
 * `Effect.retry(once, policy)`, except that the schedule's state is made only
 * once an attempt failed with a retryable error: `Effect.retry` builds it (and
 * provides its iteration metadata to the effect) before the first attempt,
 * which is all most calls make.
 */
const retrying = <A, E extends Auth0Error.Auth0Error>(once: Effect.Effect<A, E>, policy: Retry.Policy) => {
  const retryable = (error: E, next: (error: E) => Effect.Effect<A, E>) =>
    policy.while(error) ? next(error) : Effect.fail(error)
  const loop = (driver: Schedule.ScheduleDriver<number, Auth0Error.Auth0Error>) => {
    const step = (error: E): Effect.Effect<A, E> =>
      Effect.matchEffect(driver.next(error), {
        onFailure: () => Effect.fail(error),
        onSuccess: () =>
          Effect.zipRight(
            reportRetry(error),
            Effect.catchAll(once, (next) => retryable(next, step))
          )
      })
    return step
  }
  return Effect.catchAll(once, (error) =>
    retryable(error, (first) => Effect.flatMap(Schedule.driver(policy.schedule), (driver) => loop(driver)(first)))
  )
}

/** The service's `request`, over what `Auth0Http.make` built. */
export const makeRequest = ({
  apiUrl,
  client,
  concurrency,
  maxResponseBytes,
  pacers,
  retry,
  timeout,
  tokens
}: Deps) => {
  const request = (
    endpoint: Endpoint.Any,
    input: AnyInput,
    schema?: Schema.Schema.AnyNoContext
  ): Effect.Effect<unknown, Auth0Error.Auth0Error> => {
    const params: Readonly<Record<string, string>> = input.params ?? {}
    // The types ask for every segment; a caller without them must not send `GET /users/` (the list) for
    // `GET /users/{id}`.
    const missing = Path.missingParams(endpoint.path, params)
    if (missing.length > 0) {
      return Effect.dieMessage(
        `${endpoint.name}: no value for ${missing.map((m) => `{${m}}`).join(", ")} in ${endpoint.path}`
      )
    }
    const path = Path.apiPath(endpoint.path, params)
    // The route names the request in spans and error messages, where the filled path (ids, emails) must not go.
    const route = `/api/v2${endpoint.path}`
    const where = { method: endpoint.method, path, route }
    const refused = refusal(where, params, input)
    if (refused !== undefined) return Effect.fail(refused)
    const base = HttpClientRequest.make(endpoint.method)(
      `${apiUrl}${path.slice("/api/v2".length)}${Query.encode(input.query)}`,
      {
        headers: fixedHeaders
      }
    )
    const multipart = input.body !== undefined && endpoint.body === "multipart"
    const sent = input.body === undefined || multipart ? base : HttpClientRequest.bodyUnsafeJson(base, input.body)
    // A form is written once, when first sent (its files are read then), and sent as bytes.
    let written: HttpClientRequest.HttpClientRequest | undefined
    const form = multipart
      ? Effect.suspend(() =>
          written !== undefined
            ? Effect.succeed(written)
            : Effect.map(
                Multipart.encode(input.body as Readonly<Record<string, unknown>>),
                ({ bytes, contentType }) => (written = HttpClientRequest.bodyUint8Array(base, bytes, contentType))
              )
        )
      : undefined
    const onTimeout = () => new Auth0Error.TimeoutError({ ...where, timeout })

    // One exchange with the given token: status, headers and the whole body, within the timeout.
    const timedWith = (request: HttpClientRequest.HttpClientRequest, token: Redacted.Redacted<string>) =>
      Timeout.timeoutFail(
        Effect.mapError(
          Effect.flatMap(client.execute(HttpClientRequest.bearerToken(request, token)), (response) =>
            Effect.map(Body.readText(response, maxResponseBytes), (text): Answer => ({
              status: response.status,
              headers: response.headers,
              text
            }))
          ),
          (error) => Errors.fromHttpClientError(where, error)
        ),
        timeout,
        onTimeout
      )
    const timed = (token: Redacted.Redacted<string>) =>
      form === undefined ? timedWith(sent, token) : Effect.flatMap(form, (request) => timedWith(request, token))
    // Sent when the pacer sees a token in the endpoint's bucket and then a permit is free, each only when
    // switched on: a permit is held while sending, never while waiting for a bucket, so a request held for
    // one bucket does not hold back requests for another.
    const pacer = pacers?.(endpoint.bucket)
    const exchange = (token: Redacted.Redacted<string>) =>
      pacer === undefined
        ? concurrency(timed(token))
        : Effect.zipRight(
            pacer.acquire,
            Effect.onExit(concurrency(timed(token)), (exit) =>
              pacer.release(Exit.isSuccess(exit) ? exit.value : undefined)
            )
          )

    // A 401 from the API means the cached token went stale: drop it and try once more with a fresh one.
    const attempt = Effect.flatMap(tokens.get, (token) =>
      Effect.flatMap(exchange(token), (first) =>
        first.status !== 401
          ? Effect.succeed(first)
          : Effect.zipRight(
              tokens.invalidate(token),
              Effect.flatMap(tokens.get, (fresh) => (fresh === token ? Effect.succeed(first) : exchange(fresh)))
            )
      )
    )

    // A page is decoded by its envelope's schema and read the same whether Auth0 sent the envelope or an array.
    const paged = schema === undefined && endpoint.paging.kind !== "none"
    const decoder = schema ?? (paged ? Page.wire(endpoint) : endpoint.response)
    const decode = (value: unknown, status: number) =>
      Decode.decodeBody(decoder, value, (detail) => new Auth0Error.DecodeError({ ...where, status, detail }))

    const once: Effect.Effect<unknown, Auth0Error.Auth0Error> = Effect.flatMap(attempt, ({ headers, status, text }) => {
      if (Redirects.isRedirect(status)) return Effect.fail(Redirects.refused(where, status))
      if (status < 200 || status >= 300) {
        // An error answer past the limit still says what went wrong by its status.
        const body = Option.getOrElse(text, () => "")
        return Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.fail(Errors.fromStatus(where, status, headers, body, endpoint.errors, now))
        )
      }
      if (Option.isNone(text)) return Effect.fail(Body.tooLarge(where, status, maxResponseBytes))
      const json = Decode.parseJson(text.value)
      return Either.isLeft(json)
        ? Effect.fail(new Auth0Error.DecodeError({ ...where, status, detail: json.left }))
        : paged
          ? Effect.map(decode(json.right, status), (page) => Page.read(endpoint.paging, page, input.query))
          : decode(json.right, status)
    })

    return withRouteSpan(endpoint, route, retry === false ? once : retrying(once, retry))
  }

  return request
}
