/**
 * The seam every operation goes through: base URL, bearer token, status to
 * typed error, decoding, timeouts and retries, over an `HttpClient` you
 * provide (`FetchHttpClient.layer`, `NodeHttpClient.layerUndici`, or the fake
 * tenant of `effect-auth0/testing`).
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import * as Auth0Error from "./Auth0Error.js"
import * as Body from "./internal/body.js"
import * as Query from "./internal/codec/query.js"
import * as Endpoints from "./internal/endpoints.js"
import * as Decode from "./internal/decode.js"
import * as Download from "./internal/download.js"
import * as Errors from "./internal/errors.js"
import * as Pacer from "./internal/pacer.js"
import * as Redirects from "./internal/redirects.js"
import * as Timeout from "./internal/timeout.js"
import * as Retry from "./Retry.js"
import * as TokenProvider from "./TokenProvider.js"

/**
 * @since 0.1.0
 * @category tags
 */
export class Auth0Http extends Context.Tag("effect-auth0/Auth0Http")<Auth0Http, Auth0Http.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace Auth0Http {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** `https://{domain}/api/v2`, or the override. */
    readonly apiUrl: string
    /**
     * Send one request to a declared endpoint and decode the answer with
     * `schema`; everything but a 2xx is a typed failure.
     */
    readonly request: <A, I, X extends Auth0Error.SpecificTag, Path extends string>(
      endpoint: Endpoints.Endpoint<X, Path>,
      input: RequestInput<Path>,
      schema: Schema.Schema<A, I>
    ) => Effect.Effect<A, Auth0Error.For<X>>
    /**
     * Stream the bytes at an absolute URL that Auth0 handed out (an export
     * file's signed `location`), through the same `HttpClient` but without the
     * bearer token: it must not travel to a third-party host. A connection
     * that fails mid-way, or sends nothing for the layer's `timeout`, is
     * resumed (`Range`) under the layer's retry policy. A redirect is not
     * followed (`UnexpectedStatus`): a signed URL is signed for its own host.
     */
    readonly download: (url: string) => Stream.Stream<Uint8Array, Auth0Error.Common>
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export type RequestInput<Path extends string = string> = {
  /** Query parameters; `undefined` ones are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined
  /** A JSON body. */
  readonly body?: unknown
} & (string extends Path
  ? {
      /** Values for the `{name}` segments of the endpoint's path; each is percent-encoded. */
      readonly params?: Readonly<Record<string, string>> | undefined
    }
  : [Endpoints.PathParamNames<Path>] extends [never]
    ? { readonly params?: Readonly<Record<string, never>> | undefined }
    : {
        /** Values for the `{name}` segments of the endpoint's path, one per segment; each is percent-encoded. */
        readonly params: Endpoints.PathParams<Path>
      })

/**
 * @since 0.1.0
 * @category models
 */
export interface CommonOptions {
  /** The tenant's domain, e.g. `tenant.eu.auth0.com` (or a custom domain): no scheme, no path. */
  readonly domain: string
  /**
   * Send everything to this origin instead of `https://{domain}`: the API at
   * `{baseUrl}/api/v2`, the token endpoint at `{baseUrl}/oauth/token`. The
   * only way to use plain `http`, for the fake tenant and loopback tests.
   */
  readonly baseUrl?: string | undefined
  /** A retry policy (see `Retry.policy`), or `false` to send each request once. Default `Retry.defaultPolicy`. */
  readonly retry?: Retry.Policy | false | undefined
  /** Per attempt, from sending to the last byte of the answer. Default 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * Hold requests while the tenant's rate-limit bucket is (estimated) empty,
   * reading `X-RateLimit-*` from every answer, instead of sending them into
   * 429s. Shared by every fiber that uses this layer. Default true.
   */
  readonly pacing?: boolean | undefined
  /**
   * The longest the pacer holds a request on one reading of the bucket. Auth0's
   * buckets refill within a second or so, so a reading that says "empty" for
   * longer (a reset a year ahead, a proxy's stale header) is read again: at the
   * bound the request at the head of the queue is sent as a probe, and its
   * answer is the new reading. One probe per bound, never the whole queue.
   * Default 10 seconds.
   */
  readonly maxPacingWait?: Duration.DurationInput | undefined
  /** At most this many requests in flight at once from this layer. Default: no limit. */
  readonly maxConcurrency?: number | undefined
  /**
   * The largest answer read, in bytes, for the API and the token endpoint: a
   * 2xx past it fails with `ResponseTooLarge` after reading at most the limit
   * (at once when its `Content-Length` says so); an error answer past it keeps
   * its status and loses its body. Default 16 MiB: Auth0's largest answer is
   * a page of 100 users, about 4 MB with both metadata objects at their 16 KB cap.
   * Export files are not bounded by it (see `Users.export`'s `maxLineLength`).
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * Wrap the `HttpClient` (proxies, extra headers, tracing). It wraps a client
   * that refuses redirects; a wrapper that follows them itself
   * (`HttpClient.followRedirects`) would undo that, so do not add one.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface StaticTokenOptions extends CommonOptions {
  /** A Management API token. */
  readonly token: Redacted.Redacted<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ClientCredentialsOptions extends CommonOptions {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** Default `https://{domain}/api/v2/`. */
  readonly audience?: string | undefined
  /** Fetch a new token this long before the current one expires. Default 5 minutes. */
  readonly refreshBefore?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Options = StaticTokenOptions | ClientCredentialsOptions

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/

/** What is wrong with a value that is not a host name, without echoing it (it may carry credentials). */
const notAHost = (domain: string): string => {
  if (domain === "") return "an empty string"
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(domain)
  if (scheme !== null) return `a URL with scheme ${scheme[1]!.toLowerCase()}`
  if (domain.includes("@")) return "a user name before an @"
  if (/[/?#]/.test(domain)) return "a path, query or fragment after the host"
  if (/\s/.test(domain)) return "white space"
  if (domain.startsWith(".") || domain.endsWith(".") || domain.includes("..")) return "an empty label between dots"
  if (/:(?!\d{1,5}$)/.test(domain)) return "a port that is not 1 to 5 digits"
  return "a character a host name cannot hold"
}

/**
 * Why `domain` is not a bare host name, or undefined when it is.
 *
 * @example
 * ```ts
 * import { Auth0Http } from "effect-auth0"
 * Auth0Http.domainProblem("https://tenant.auth0.com")
 * // "must be a host name like tenant.eu.auth0.com, without scheme or path (got a URL with scheme https)"
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const domainProblem = (domain: string): string | undefined =>
  HOST_NAME.test(domain)
    ? undefined
    : `must be a host name like tenant.eu.auth0.com, without scheme or path (got ${notAHost(domain)})`

/**
 * Why `baseUrl` is not an http(s) origin, or undefined when it is.
 *
 * @example
 * ```ts
 * import { Auth0Http } from "effect-auth0"
 * Auth0Http.baseUrlProblem("http://127.0.0.1:4000") // undefined
 * Auth0Http.baseUrlProblem("ftp://example.com") // "must be an http or https URL (got scheme ftp)"
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const baseUrlProblem = (baseUrl: string): string | undefined => {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    return "is not a URL (like http://127.0.0.1:4000)"
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `must be an http or https URL (got scheme ${url.protocol.slice(0, -1)})`
  }
  if (url.username !== "" || url.password !== "") return "must not carry credentials"
  if (url.search !== "" || url.hash !== "") return "must not have a query or fragment"
  return undefined
}

/** A bad option as what `layerConfig` fails with too: the layer's one error type for configuration. */
const invalidOption = (name: string, problem: string): ConfigError.ConfigError =>
  ConfigError.InvalidData([name], `${name} ${problem}`)

/** `https://{domain}`, or the `baseUrl`; a malformed one is a `ConfigError`, not a throw. */
const origin = (options: CommonOptions): Either.Either<string, ConfigError.ConfigError> => {
  const problem = domainProblem(options.domain)
  if (problem !== undefined) return Either.left(invalidOption("domain", problem))
  if (options.baseUrl === undefined) return Either.right(`https://${options.domain}`)
  const baseProblem = baseUrlProblem(options.baseUrl)
  if (baseProblem !== undefined) return Either.left(invalidOption("baseUrl", baseProblem))
  return Either.right(options.baseUrl.replace(/\/+$/, ""))
}

/**
 * The client every request to Auth0 goes through, the token request included.
 * The platform's own span is off: it would record full URLs (ids, search
 * text) and the raw request, whose headers hold the token; the operation's
 * span (`Users.get`, …) stands for each call. With it off no trace headers
 * are sent either (the platform adds them to its span's requests only):
 * they would leave the caller's system for Auth0, which has no use for them.
 */
const wrapClient = (client: HttpClient.HttpClient, options: CommonOptions): HttpClient.HttpClient =>
  client.pipe(
    Redirects.refuse,
    HttpClient.withTracerDisabledWhen(() => true),
    options.transformClient ?? identity
  )

const telemetry = btoa(JSON.stringify({ name: "effect-auth0", version: "0.1.0" }))

/** What every API request carries besides the token, built once rather than header by header per request. */
const fixedHeaders = Headers.fromInput({ accept: "application/json", "auth0-client": telemetry })

/** One answer, read to the end; `text` is none when the body was past `maxResponseBytes`. */
interface Answer {
  readonly status: number
  readonly headers: Headers.Headers
  readonly text: Option.Option<string>
}

/** Query keys in a stable, sorted order, as Auth0's own SDKs send them. */
const queryString: (query: RequestInput["query"]) => string = Query.encode

/**
 * What cannot be sent as the caller wrote it, checked before anything is
 * built: a path segment that would leave its place or has no UTF-8 encoding,
 * a query value or body string with a lone surrogate (sent, it would arrive
 * as U+FFFD: another search, another value).
 */
const refusal = (
  where: { readonly method: string; readonly path: string },
  params: Readonly<Record<string, string>>,
  input: RequestInput
): Auth0Error.BadRequest | undefined => {
  for (const name of Object.keys(params)) {
    const problem = Endpoints.segmentProblem(params[name]!)
    if (problem !== undefined) return Errors.invalidSegment(where, name, problem)
  }
  const query = input.query
  if (query !== undefined) {
    for (const key of Object.keys(query)) {
      const value = query[key]
      if (
        (value !== undefined && !Endpoints.isWellFormed(key)) ||
        (typeof value === "string" && !Endpoints.isWellFormed(value))
      ) {
        return Errors.unencodable(where, `The query parameter ${JSON.stringify(key)}`, "invalid_query_string")
      }
    }
  }
  if (input.body !== undefined) {
    const place = Endpoints.bodyProblem(input.body)
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
const withRouteSpan = <A, E>(endpoint: Endpoints.Endpoint, effect: Effect.Effect<A, E>): Effect.Effect<A, E> => {
  const method = endpoint.method
  const route = `/api/v2${endpoint.path}`
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
        onSuccess: () => Effect.catchAll(once, (next) => retryable(next, step))
      })
    return step
  }
  return Effect.catchAll(once, (error) =>
    retryable(error, (first) => Effect.flatMap(Schedule.driver(policy.schedule), (driver) => loop(driver)(first)))
  )
}

/**
 * Build the service over the `HttpClient` and `TokenProvider` in context.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import { Auth0Http, TokenProvider } from "effect-auth0"
 * const live = Layer.effect(Auth0Http.Auth0Http, Auth0Http.make({ domain: "tenant.eu.auth0.com" })).pipe(
 *   Layer.provide(TokenProvider.layerStatic(Redacted.make("token")))
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: CommonOptions
): Effect.Effect<Auth0Http.Service, ConfigError.ConfigError, HttpClient.HttpClient | TokenProvider.TokenProvider> =>
  Effect.gen(function* () {
    const apiUrl = `${yield* origin(options)}/api/v2`
    const tokens = yield* TokenProvider.TokenProvider
    const client = wrapClient(yield* HttpClient.HttpClient, options)
    const timeout = Duration.decode(options.timeout ?? "30 seconds")
    const maxResponseBytes = yield* responseLimit(options)
    const retry = options.retry === undefined ? Retry.defaultPolicy : options.retry
    // Off means not there at all: neither the pacer's gate nor a semaphore on the path of every request.
    const pacers =
      options.pacing === false
        ? undefined
        : yield* Pacer.perBucket({ maxWait: Duration.decode(options.maxPacingWait ?? "10 seconds") })
    const concurrency =
      options.maxConcurrency === undefined
        ? identity
        : (yield* Effect.makeSemaphore(options.maxConcurrency)).withPermits(1)

    const request = <A, I, X extends Auth0Error.SpecificTag>(
      endpoint: Endpoints.Endpoint<X>,
      input: RequestInput,
      schema: Schema.Schema<A, I>
    ): Effect.Effect<A, Auth0Error.For<X>> => {
      const params: Readonly<Record<string, string>> = input.params ?? {}
      // The types ask for every segment; a caller without them must not send `GET /users/` (the list) for
      // `GET /users/{id}`.
      const missing = Endpoints.missingParams(endpoint.path, params)
      if (missing.length > 0) {
        return Effect.dieMessage(
          `${endpoint.name}: no value for ${missing.map((m) => `{${m}}`).join(", ")} in ${endpoint.path}`
        )
      }
      const path = `/api/v2${Endpoints.fillPath(endpoint.path, params)}`
      const where = { method: endpoint.method, path }
      const refused = refusal(where, params, input)
      if (refused !== undefined) return Effect.fail(refused)
      const base = HttpClientRequest.make(endpoint.method)(
        `${apiUrl}${path.slice("/api/v2".length)}${queryString(input.query)}`,
        {
          headers: fixedHeaders
        }
      )
      const sent = input.body === undefined ? base : HttpClientRequest.bodyUnsafeJson(base, input.body)
      const onTimeout = () => new Auth0Error.TimeoutError({ ...where, timeout })

      // One exchange with the given token: status, headers and the whole body, within the timeout.
      const timed = (token: Redacted.Redacted<string>) =>
        Timeout.timeoutFail(
          Effect.mapError(
            Effect.flatMap(client.execute(HttpClientRequest.bearerToken(sent, token)), (response) =>
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

      const once: Effect.Effect<A, Auth0Error.For<X>> = Effect.flatMap(attempt, ({ headers, status, text }) => {
        if (Redirects.isRedirect(status)) return Effect.fail(Redirects.refused(where, status))
        if (status < 200 || status >= 300) {
          // An error answer past the limit still says what went wrong by its status.
          const body = Option.getOrElse(text, () => "")
          return Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.fail(Errors.fromStatus(where, status, headers, body, endpoint.errors, now) as Auth0Error.For<X>)
          )
        }
        if (Option.isNone(text)) return Effect.fail(Body.tooLarge(where, status, maxResponseBytes))
        const json = Decode.parseJson(text.value)
        return Either.isLeft(json)
          ? Effect.fail(new Auth0Error.DecodeError({ ...where, status, detail: json.left }))
          : Decode.decodeBody(schema, json.right, (detail) => new Auth0Error.DecodeError({ ...where, status, detail }))
      })

      return withRouteSpan(endpoint, retry === false ? once : retrying(once, retry))
    }

    const download = (url: string): Stream.Stream<Uint8Array, Auth0Error.Common> =>
      Download.download(client, url, timeout, retry, maxResponseBytes)

    return Auth0Http.of({ apiUrl, request, download })
  })

const responseLimit = (options: CommonOptions): Either.Either<number, ConfigError.ConfigError> => {
  const limit = options.maxResponseBytes ?? Body.DEFAULT_MAX_RESPONSE_BYTES
  const problem = Body.limitProblem(limit)
  return problem === undefined ? Either.right(limit) : Either.left(invalidOption("maxResponseBytes", problem))
}

const tokenLayer = (
  options: Options
): Layer.Layer<TokenProvider.TokenProvider, ConfigError.ConfigError, HttpClient.HttpClient> => {
  if ("token" in options) return TokenProvider.layerStatic(options.token)
  const root = origin(options)
  if (Either.isLeft(root)) return Layer.fail(root.left)
  const limit = responseLimit(options)
  if (Either.isLeft(limit)) return Layer.fail(limit.left)
  return TokenProvider.layerClientCredentials({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    audience: options.audience ?? `https://${options.domain}/api/v2/`,
    tokenUrl: `${root.right}/oauth/token`,
    timeout: options.timeout,
    refreshBefore: options.refreshBefore,
    maxResponseBytes: limit.right
  })
}

/**
 * `Auth0Http` with a static token or client credentials; needs only an
 * `HttpClient`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted } from "effect"
 * import { Auth0Http, Retry, Users } from "effect-auth0"
 *
 * const Auth0Live = Auth0Http.layer({
 *   domain: "tenant.eu.auth0.com",
 *   clientId: "abc",
 *   clientSecret: Redacted.make("s3cret"),
 *   retry: Retry.policy({ times: 5 }),
 *   timeout: "10 seconds"
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * const program = Users.get("auth0|63d17c4c5d69f3e86d515d1c").pipe(Effect.provide(Auth0Live))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Auth0Http, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(Auth0Http, make(options)).pipe(
    Layer.provide(
      Layer.suspend(() => tokenLayer(options)).pipe(
        Layer.provide(
          Layer.effect(
            HttpClient.HttpClient,
            Effect.map(HttpClient.HttpClient, (client) => wrapClient(client, options))
          )
        )
      )
    )
  )

const optional = <A>(config: Config.Config<A>) => Config.map(Config.option(config), Option.getOrUndefined)

// The message says why (`AUTH0_DOMAIN must be a host name … (got a URL with scheme https)`), not just "is not valid".
const checked = (name: string, problem: (value: string) => string | undefined) =>
  Config.string(name).pipe(
    Config.mapOrFail((value) => {
      const why = problem(value)
      return why === undefined ? Either.right(value) : Either.left(ConfigError.InvalidData([], `${name} ${why}`))
    })
  )

/** Set, whatever its value: to tell a conflict, never to read a secret. */
const isSet = (name: string) => Config.map(Config.option(Config.string(name)), Option.isSome)

/**
 * Configuration from the environment (or any `ConfigProvider`):
 * `AUTH0_DOMAIN`, then `AUTH0_TOKEN`, or `AUTH0_CLIENT_ID` +
 * `AUTH0_CLIENT_SECRET` (+ `AUTH0_AUDIENCE`); `AUTH0_BASE_URL` overrides the
 * origin. Missing or malformed values, or both kinds of credentials at once,
 * fail the layer with a `ConfigError` that says why (never with a value of a
 * secret).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 * import { Auth0Http, Users } from "effect-auth0"
 *
 * const Auth0Live = Auth0Http.layerConfig({ timeout: "10 seconds" }).pipe(Layer.provide(NodeHttpClient.layerUndici))
 * const program = Users.list({ q: "email_verified:false" }).pipe(Effect.provide(Auth0Live))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: Omit<CommonOptions, "domain"> & { readonly refreshBefore?: Duration.DurationInput | undefined } = {}
): Layer.Layer<Auth0Http, ConfigError.ConfigError, HttpClient.HttpClient> => {
  const credentials: Config.Config<
    | { readonly token: Redacted.Redacted<string> }
    | {
        readonly clientId: string
        readonly clientSecret: Redacted.Redacted<string>
        readonly audience: string | undefined
      }
  > = Config.redacted("AUTH0_TOKEN").pipe(
    Config.map((token) => ({ token })),
    Config.orElse(() =>
      Config.all({
        clientId: Config.string("AUTH0_CLIENT_ID"),
        clientSecret: Config.redacted("AUTH0_CLIENT_SECRET"),
        audience: optional(Config.string("AUTH0_AUDIENCE"))
      })
    )
  )
  // Both kinds of credentials set is a mistake to report, not a choice to make silently for the caller.
  const exclusive = Config.all({
    token: isSet("AUTH0_TOKEN"),
    client: Config.all([isSet("AUTH0_CLIENT_ID"), isSet("AUTH0_CLIENT_SECRET")]).pipe(
      Config.map(([id, secret]) => id || secret)
    )
  }).pipe(
    Config.mapOrFail(({ client, token }) =>
      token && client
        ? Either.left(
            ConfigError.InvalidData(
              [],
              "AUTH0_TOKEN and AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET are both set: set a static token or client credentials, not both"
            )
          )
        : Either.right(undefined)
    )
  )
  const config = Config.all({
    domain: checked("AUTH0_DOMAIN", domainProblem),
    baseUrl: optional(checked("AUTH0_BASE_URL", baseUrlProblem)),
    exclusive,
    credentials
  })
  return Layer.unwrapEffect(
    Effect.map(config, ({ baseUrl, credentials, domain }) =>
      layer({ ...overrides, ...(baseUrl !== undefined ? { baseUrl } : {}), domain, ...credentials })
    )
  )
}
