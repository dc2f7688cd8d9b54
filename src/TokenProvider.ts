/**
 * Management API access tokens: a static token, or the client-credentials
 * grant, cached, fetched once however many fibers ask at the same moment,
 * refreshed ahead of expiry and dropped when the API answers 401.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Auth0Error from "./Auth0Error.js"
import * as Body from "./internal/body.js"
import * as Errors from "./internal/errors.js"
import * as Redirects from "./internal/redirects.js"
import * as Timeout from "./internal/timeout.js"

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenProvider extends Context.Tag("effect-auth0/TokenProvider")<TokenProvider, TokenProvider.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace TokenProvider {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** The current token; concurrent callers share one fetch. */
    readonly get: Effect.Effect<Redacted.Redacted<string>, Auth0Error.Common>
    /** Drop `stale` if it is still the cached token, so the next `get` fetches anew. */
    readonly invalidate: (stale: Redacted.Redacted<string>) => Effect.Effect<void>
  }
}

/**
 * A token the API issued, and how long it lives.
 *
 * @since 0.1.0
 * @category models
 */
export interface Issued {
  readonly token: Redacted.Redacted<string>
  readonly expiresIn: Duration.Duration
}

/** Auth0 issues tokens for at most 30 days; a longer (or infinite, `1e400`) `expires_in` is held to that. */
const MAX_LIFETIME = Duration.toMillis(Duration.days(30))

/** A lifetime in [0, 30 days]: negative and NaN count as none (used once, never cached). */
const lifetimeMillis = (expiresIn: Duration.Duration): number => {
  const millis = Duration.toMillis(expiresIn)
  return Number.isNaN(millis) ? 0 : Math.min(Math.max(0, millis), MAX_LIFETIME)
}

interface Cached {
  readonly token: Redacted.Redacted<string>
  readonly refreshAt: number
}

/**
 * Cache any token-issuing effect. Fetches hold a lock, so fibers that ask
 * meanwhile wait for that fetch and share its outcome, a token or a failure,
 * instead of starting their own; a failed fetch leaves the cache as it was.
 * The token is replaced `refreshBefore` ahead of its expiry (at most half its
 * lifetime ahead, so short-lived tokens still get used). A token that lives
 * 0 seconds or less serves the fibers that waited for it and is not cached; a
 * lifetime above 30 days (Auth0's maximum) counts as 30 days.
 *
 * @example
 * ```ts
 * import { Duration, Effect, Redacted } from "effect"
 * import { TokenProvider } from "effect-auth0"
 * const provider = TokenProvider.makeCached(
 *   Effect.succeed({ token: Redacted.make("t"), expiresIn: Duration.hours(1) })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCached = (
  issue: Effect.Effect<Issued, Auth0Error.Common>,
  options: { readonly refreshBefore?: Duration.DurationInput | undefined } = {}
): Effect.Effect<TokenProvider.Service> =>
  Effect.gen(function* () {
    const refreshBefore = Duration.toMillis(options.refreshBefore ?? "5 minutes")
    // Written only under the lock, read without it: every request reads the token, and while it is
    // valid that read is a comparison, not a turn at the lock.
    let cached: Cached | undefined
    // The outcome of the last fetch that ended (not by interruption), numbered: a fiber that asked
    // before fetch n ended takes its outcome instead of fetching again, whatever the token's lifetime.
    // Without it a token that is stale on arrival (`expires_in` 0 or less, or shorter than
    // `refreshBefore`) made every queued fiber fetch its own, one after the other.
    let ended = 0
    let last: Exit.Exit<Redacted.Redacted<string>, Auth0Error.Common> | undefined
    const lock = yield* Effect.makeSemaphore(1)

    const valid = (now: number): Redacted.Redacted<string> | undefined =>
      cached !== undefined && now < cached.refreshAt ? cached.token : undefined

    const record = (now: number, exit: Exit.Exit<Issued, Auth0Error.Common>) =>
      Effect.sync(() => {
        if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) return
        ended++
        last = Exit.map(exit, (issued) => issued.token)
        if (Exit.isSuccess(exit)) {
          const lifetime = lifetimeMillis(exit.value.expiresIn)
          // Counted from before the request, so it never outlives the token; ≤ 0 is never cached.
          cached =
            lifetime > 0
              ? { token: exit.value.token, refreshAt: now + lifetime - Math.min(refreshBefore, lifetime / 2) }
              : undefined
        }
      })

    // Under the lock the cache is read again: the fiber that held it before may just have filled it.
    const fetch = (asked: number) =>
      lock.withPermits(1)(
        Effect.clockWith((clock) => {
          const now = clock.unsafeCurrentTimeMillis()
          const token = valid(now)
          if (token !== undefined) return Effect.succeed(token)
          if (last !== undefined && ended > asked) return last
          return Effect.map(
            Effect.onExit(issue, (exit) => record(now, exit)),
            (issued) => issued.token
          )
        })
      )

    const get = Effect.clockWith((clock) => {
      const token = valid(clock.unsafeCurrentTimeMillis())
      return token !== undefined ? Effect.succeed(token) : fetch(ended)
    })

    const invalidate = (stale: Redacted.Redacted<string>) =>
      Effect.sync(() => {
        if (cached?.token === stale) cached = undefined
      })

    return TokenProvider.of({ get, invalidate })
  })

/**
 * A token you already have (a Management API token from the dashboard, or a
 * test token). A 401 cannot be repaired by fetching, so it is returned as is.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { TokenProvider } from "effect-auth0"
 * const layer = TokenProvider.layerStatic(Redacted.make("eyJ..."))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (token: Redacted.Redacted<string>): Layer.Layer<TokenProvider> =>
  Layer.succeed(TokenProvider, TokenProvider.of({ get: Effect.succeed(token), invalidate: () => Effect.void }))

/**
 * @since 0.1.0
 * @category models
 */
export interface ClientCredentialsOptions {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** The API to get a token for. */
  readonly audience: string
  /** The full URL of the token endpoint. */
  readonly tokenUrl: string
  /** Give up on the token endpoint after this long. Default 10 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Fetch a new token this long before the current one expires. Default 5 minutes. */
  readonly refreshBefore?: Duration.DurationInput | undefined
  /** The largest token answer read, in bytes; past it `ResponseTooLarge`. Default 16 MiB. */
  readonly maxResponseBytes?: number | undefined
}

const TokenResponse = Schema.Struct({
  access_token: Schema.Redacted(Schema.String),
  expires_in: Schema.Number,
  token_type: Schema.optional(Schema.String),
  scope: Schema.optional(Schema.String)
})
const decodeTokenResponse = Schema.decodeUnknown(TokenResponse)

/**
 * The client-credentials grant: `POST {tokenUrl}`, form-encoded, as Auth0
 * documents it. Failures are typed (`Unauthorized` for refused credentials,
 * `Forbidden` for an audience the client has no grant for, …); their
 * messages never hold the secret or a token. A redirect is not followed (a
 * 307 would re-send the secret to its `Location`): it fails with
 * `UnexpectedStatus`.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { TokenProvider } from "effect-auth0"
 * const provider = TokenProvider.makeClientCredentials({
 *   clientId: "abc",
 *   clientSecret: Redacted.make("s3cret"),
 *   audience: "https://tenant.eu.auth0.com/api/v2/",
 *   tokenUrl: "https://tenant.eu.auth0.com/oauth/token"
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClientCredentials = (
  options: ClientCredentialsOptions
): Effect.Effect<TokenProvider.Service, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = Redirects.refuse(yield* HttpClient.HttpClient)
    const timeout = Duration.decode(options.timeout ?? "10 seconds")
    const limit = options.maxResponseBytes ?? Body.DEFAULT_MAX_RESPONSE_BYTES
    const limitProblem = Body.limitProblem(limit)
    if (limitProblem !== undefined) throw new Error(`TokenProvider: maxResponseBytes ${limitProblem}`)
    const where = { method: "POST", path: new URL(options.tokenUrl).pathname }

    const issue: Effect.Effect<Issued, Auth0Error.Common> = Effect.suspend(() => {
      // Sorted field names, as Auth0's own SDKs send them.
      const request = HttpClientRequest.post(options.tokenUrl).pipe(
        HttpClientRequest.acceptJson,
        HttpClientRequest.bodyUrlParams({
          audience: options.audience,
          client_id: options.clientId,
          client_secret: Redacted.value(options.clientSecret),
          grant_type: "client_credentials"
        })
      )
      return client.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.map(Body.readText(response, limit), (text) => ({
            status: response.status,
            headers: response.headers,
            text
          }))
        ),
        Effect.mapError((error) => Errors.fromHttpClientError(where, error)),
        (exchange) => Timeout.timeoutFail(exchange, timeout, () => new Auth0Error.TimeoutError({ ...where, timeout })),
        Effect.flatMap(({ headers, status, text }) =>
          Redirects.isRedirect(status)
            ? Effect.fail(Redirects.refused(where, status))
            : status >= 200 && status < 300
              ? text._tag === "Some"
                ? decodeToken(where, status, text.value)
                : Effect.fail(Body.tooLarge(where, status, limit))
              : Effect.flatMap(Clock.currentTimeMillis, (now) =>
                  Effect.fail(
                    Errors.fromStatus(
                      where,
                      status,
                      headers,
                      text._tag === "Some" ? text.value : "",
                      [],
                      now
                    ) as Auth0Error.Common
                  )
                )
        )
      )
    }).pipe(Effect.withSpan("TokenProvider.clientCredentials"))

    return yield* makeCached(issue, { refreshBefore: options.refreshBefore })
  })

const decodeToken = (where: { readonly method: string; readonly path: string }, status: number, text: string) => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return Effect.fail(new Auth0Error.DecodeError({ ...where, status, detail: "the token response is not JSON" }))
  }
  return decodeTokenResponse(json).pipe(
    // The parse error would quote the offending value, which may be the token itself.
    Effect.mapError(
      () =>
        new Auth0Error.DecodeError({
          ...where,
          status,
          detail: "the token response lacks a string access_token and a numeric expires_in"
        })
    ),
    Effect.map((body): Issued => ({ token: body.access_token, expiresIn: Duration.seconds(body.expires_in) }))
  )
}

/**
 * The client-credentials provider as a layer, for building `Auth0Http` with `make`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 * import { Auth0Http, TokenProvider } from "effect-auth0"
 * const live = Layer.effect(Auth0Http.Auth0Http, Auth0Http.make({ domain: "tenant.eu.auth0.com" })).pipe(
 *   Layer.provide(
 *     TokenProvider.layerClientCredentials({
 *       clientId: "abc",
 *       clientSecret: Redacted.make("s3cret"),
 *       audience: "https://tenant.eu.auth0.com/api/v2/",
 *       tokenUrl: "https://tenant.eu.auth0.com/oauth/token"
 *     })
 *   ),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClientCredentials = (
  options: ClientCredentialsOptions
): Layer.Layer<TokenProvider, never, HttpClient.HttpClient> =>
  Layer.effect(TokenProvider, makeClientCredentials(options))
