import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

/**
 * Say that something happened to a request: an event of the current span (the operation's) and a
 * debug log, both with `attributes`, which must hold no path, id, header or body. Read from the clock
 * in milliseconds: the TestClock's nanoseconds are a BigInt of its milliseconds, which fails once a
 * jittered sleep has left it between two.
 */
export const report = (
  name: string,
  message: string,
  attributes: Readonly<Record<string, string | number>>
): Effect.Effect<void> =>
  Effect.flatMap(Effect.serviceOption(Tracer.ParentSpan), (parent) =>
    Effect.flatMap(Clock.currentTimeMillis, (millis) => {
      if (Option.isSome(parent) && parent.value._tag === "Span") {
        parent.value.event(name, BigInt(Math.round(millis)) * 1_000_000n, attributes)
      }
      return Effect.annotateLogs(Effect.logDebug(message), attributes)
    })
  )
