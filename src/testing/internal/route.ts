/** The public side of the fake's route table: handlers for endpoints a test declares itself. */
import type * as Endpoint from "../../Endpoint.js"
import { type Call, type Handler, Reply, type Route } from "./handlers.js"
import { Refusal } from "./refusal.js"

/**
 * Serve `endpoint` (declared with `Endpoint.make`) in the fake tenant with
 * `handler`, behind the same token check, scopes, rate limit and faults as
 * the library's endpoints. The handler returns the JSON body of the
 * endpoint's success status, or a `reply` or `refuse`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Endpoint } from "effect-auth0"
 * import { FakeAuth0 } from "effect-auth0/testing"
 * const activeUsers = Endpoint.make({
 *   name: "Stats.activeUsers",
 *   method: "GET",
 *   path: "/stats/active-users",
 *   success: 200,
 *   retrySafe: true,
 *   scopes: ["read:stats"],
 *   bucket: "global",
 *   response: Schema.Number
 * })
 * const fake = FakeAuth0.layer({ routes: [FakeAuth0.route(activeUsers, () => 42)] })
 * ```
 *
 * @since 0.1.0
 * @category routes
 */
export const route = <E extends Endpoint.Any>(endpoint: E, handler: (call: Call<E>) => unknown): Route =>
  ({ endpoint, handler: handler as Handler<E> }) as unknown as Route

/**
 * Answer with `status` and a JSON `body` instead of the endpoint's success status.
 *
 * @example
 * ```ts
 * import { FakeAuth0 } from "effect-auth0/testing"
 * const accepted = FakeAuth0.reply(202, { status: "pending" })
 * ```
 *
 * @since 0.1.0
 * @category routes
 */
export const reply = (status: number, body: unknown): Reply => new Reply(status, body)

/**
 * Answer with Auth0's error body (`{ statusCode, error, message, errorCode }`).
 *
 * @example
 * ```ts
 * import { FakeAuth0 } from "effect-auth0/testing"
 * const missing = FakeAuth0.refuse(404, "The user does not exist.", "inexistent_user")
 * ```
 *
 * @since 0.1.0
 * @category routes
 */
export const refuse = (status: number, message: string, errorCode?: string): Refusal =>
  new Refusal(status, message, errorCode)
