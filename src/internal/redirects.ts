/**
 * No request of this library follows a redirect, on any `HttpClient`.
 *
 * Auth0's API and token endpoint never redirect. A redirect that reaches us
 * comes from something in between (a proxy, a hijacked DNS name, a hostile
 * server in a test), and following it would hand the `Location` the bearer
 * token, the client secret of `/oauth/token` (a 307/308 re-POSTs the body) or
 * a new user's password, and return the other host's body as if Auth0 had
 * sent it. So every request runs with redirects switched off in the client
 * itself, and a 3xx is a typed failure naming its status.
 *
 * - `FetchHttpClient`: `redirect: "manual"`, merged into the
 *   `FetchHttpClient.RequestInit` of the calling context. Node's fetch then
 *   hands back the 3xx itself; a browser's hands back an opaque redirect
 *   (status 0), which fails the same way.
 * - `NodeHttpClient.layerUndici`: `maxRedirections: 0` in the undici request
 *   options, which switches off a redirect interceptor a caller may have put
 *   on the dispatcher (a plain `Agent` never follows).
 * - `NodeHttpClient.layer` (`node:http`) never follows.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Auth0Error from "../Auth0Error.js"

/**
 * `NodeHttpClient.UndiciRequestOptions`, by its key: the library must not
 * depend on `@effect/platform-node` at run time, and a tag is found by key.
 */
const UndiciRequestOptions = Context.GenericTag<"UndiciRequestOptions", Readonly<Record<string, unknown>>>(
  "@effect/platform-node/NodeHttpClient/undiciOptions"
)

/** What a request runs with when the caller set neither: built once, not per request. */
const MANUAL: globalThis.RequestInit = { redirect: "manual" }
const NO_REDIRECTIONS: Readonly<Record<string, unknown>> = { maxRedirections: 0 }

/**
 * The context of one exchange, with redirects switched off, keeping what the caller put in the same
 * options. One context update per request, not four effects: it is on the path of every call.
 */
const switchedOff = <R>(context: Context.Context<R>): Context.Context<R> => {
  const init = Context.getOption(context, FetchHttpClient.RequestInit)
  const undici = Context.getOption(context, UndiciRequestOptions)
  // Adding services the exchange does not require leaves what it requires as it was.
  return context.pipe(
    Context.add(FetchHttpClient.RequestInit, Option.isNone(init) ? MANUAL : { ...init.value, redirect: "manual" }),
    Context.add(UndiciRequestOptions, Option.isNone(undici) ? NO_REDIRECTIONS : { ...undici.value, maxRedirections: 0 })
  ) as Context.Context<R>
}

const withoutRedirects = <A, E, R>(exchange: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.mapInputContext(exchange, (context: Context.Context<R>) => switchedOff(context))

/**
 * The client, with redirects switched off for every request it sends. Put
 * beneath a caller's `transformClient`, so options the transform provides are
 * kept (merged) rather than replaced.
 */
export const refuse = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, withoutRedirects)

/** A 3xx, or a browser's opaque redirect (`redirect: "manual"` hides the status there as 0). */
export const isRedirect = (status: number): boolean => status === 0 || (status >= 300 && status < 400)

/**
 * The failure for a redirect: `UnexpectedStatus` with the status, which no
 * retry policy retries. The `Location` is left out: it is the other host's
 * say, and may carry anything.
 */
export const refused = (where: { readonly method: string; readonly path: string }, status: number) =>
  new Auth0Error.UnexpectedStatus({
    ...where,
    status,
    description:
      status === 0
        ? "an opaque redirect, not followed (Auth0 never redirects)"
        : "a redirect, not followed (Auth0 never redirects)"
  })
