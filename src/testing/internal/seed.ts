/**
 * What every seeding function of the fake tenant shares: the error a refused seed fails with, and the
 * clock as Auth0 writes it.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Refusal } from "./refusal.js"

/**
 * A seed was refused, for the reason Auth0 would give (duplicate email,
 * unknown connection, a field of the wrong type, …).
 *
 * @since 0.1.0
 * @category errors
 */
export class SeedError extends Schema.TaggedError<SeedError>("effect-auth0/testing/SeedError")("SeedError", {
  status: Schema.Number,
  reason: Schema.String
}) {
  override get message(): string {
    return `seed refused (${this.status}): ${this.reason}`
  }
}

/** Run a store change, a refusal (or any throw) as a `SeedError`. */
export const guard = <A>(f: () => A): Effect.Effect<A, SeedError> =>
  Effect.try({
    try: f,
    catch: (error) =>
      error instanceof Refusal
        ? new SeedError({ status: error.status, reason: error.message })
        : new SeedError({ status: 500, reason: String(error) })
  })

/** Now, as an ISO timestamp. */
export const iso = Effect.map(Clock.currentTimeMillis, (now) => new Date(now).toISOString())
