/**
 * The fake tenant's route table: one handler per declaration, in a table
 * whose type mirrors the declarations resource by resource, so that a
 * declaration without a handler does not compile. Tests add handlers for
 * endpoints they declare themselves (`FakeAuth0.route`).
 */
import type * as Endpoint from "../../Endpoint.js"
import type * as Endpoints from "../../internal/endpoints.js"
import * as Routes from "../../internal/routes.js"

/** What a handler gets of a request that reached it (authenticated, within scope and rate limit). */
export interface Call<E extends Endpoint.Any = Endpoint.Any> {
  /** The path's `{name}` values, decoded. */
  readonly params: Endpoint.PathParams<E["path"]>
  readonly query: URLSearchParams
  /**
   * The body, parsed when first asked for: JSON, or a multipart `Form`; 415 without either content type, 400
   * when it does not parse.
   */
  readonly body: () => unknown
  readonly headers: Readonly<Record<string, string | undefined>>
  /** The request's time, in milliseconds since the epoch. */
  readonly now: number
}

/** An answer with another status than the endpoint's success one (an error is a `Refusal`, thrown or returned). */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown
  ) {}
}

/** The JSON body of the endpoint's success status, a `Reply`, or a `Refusal` (Auth0's error body). */
export type Handler<E extends Endpoint.Any = Endpoint.Any> = (call: Call<E>) => unknown

type EndpointKeys<R> = { [K in keyof R]: R[K] extends Endpoint.Any ? K : never }[keyof R]

/** One handler for each declaration of a resource module. */
export type ResourceHandlers<R> = { readonly [K in EndpointKeys<R>]: R[K] extends Endpoint.Any ? Handler<R[K]> : never }

/** One handler for each declaration the library has, resource by resource. */
export type Handlers = { readonly [R in keyof Endpoints.Declarations]: ResourceHandlers<Endpoints.Declarations[R]> }

/** A declaration and its handler, for an endpoint the library does not declare. */
export interface Route<E extends Endpoint.Any = Endpoint.Any> {
  readonly endpoint: E
  readonly handler: Handler<E>
}

export interface Routed {
  readonly endpoint: Endpoint.Any
  readonly handler: Handler
}

/**
 * The table compiled once: the library's declarations with their handlers, then the extra routes (a
 * declaration of the library's method and path is served by the library's handler).
 */
export const compile = (
  declarations: Endpoints.Declarations,
  handlers: Handlers,
  extra: ReadonlyArray<Route>
): Routes.Routes<Routed> => {
  const entries: Array<readonly [Endpoint.Any, Routed]> = []
  for (const resource of Object.keys(declarations) as Array<keyof Endpoints.Declarations>) {
    const declared = declarations[resource] as unknown as Readonly<Record<string, unknown>>
    const handled = handlers[resource] as unknown as Readonly<Record<string, Handler>>
    for (const key of Object.keys(declared)) {
      const endpoint = declared[key]
      if (typeof endpoint !== "object" || endpoint === null || !("paging" in endpoint)) continue
      entries.push([endpoint as Endpoint.Any, { endpoint: endpoint as Endpoint.Any, handler: handled[key]! }])
    }
  }
  for (const route of extra) entries.push([route.endpoint, route as Routed])
  return Routes.compile(entries)
}
