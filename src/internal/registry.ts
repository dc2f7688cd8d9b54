/**
 * Every endpoint declared with `Endpoint.make`, the library's and the
 * caller's, findable by method and path: the retry rule sees only a failed
 * request's method and path, and the fake's limiter classes a request before
 * it is routed.
 */
import type * as Endpoint from "../Endpoint.js"
import * as Routes from "./routes.js"

const declared: Array<Endpoint.Any> = []
let routes: Routes.Routes<Endpoint.Any> | undefined

export const register = (endpoint: Endpoint.Any): void => {
  declared.push(endpoint)
  routes = undefined
}

/** The declaration of a request by its method and path relative to `/api/v2` (still encoded). */
export const lookup = (method: string, path: string): Endpoint.Any | undefined => {
  routes ??= Routes.compile(declared.map((e) => [e, e] as const))
  return routes.find(method, path)?.value
}
