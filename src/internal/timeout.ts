/**
 * A per-attempt timeout that costs one fiber instead of `Effect.timeoutFail`'s
 * race (two forked fibers, a sleeping one among them, and the interruption of
 * the loser): about a tenth of a request's client CPU went there.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"

/** The clock every program runs on unless a test (`TestClock`) or the caller puts another in place. */
const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** Longer delays overflow `setTimeout`; the live clock never fires them, so neither does this. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

/**
 * Fail with `onTimeout()` when `self` has not finished within `duration`,
 * interrupting it (which aborts the platform's request).
 *
 * On the live clock `self` runs in one forked fiber and a plain timer
 * interrupts it; another clock (`TestClock`) only moves when asked, so there
 * `Effect.timeoutFail` sleeps on that clock and the tests drive it as before.
 */
export const timeoutFail = <A, E, E2>(
  self: Effect.Effect<A, E>,
  duration: Duration.Duration,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> => {
  const millis = Duration.toMillis(duration)
  return Effect.clockWith((clock) => {
    if (clock !== liveClock) return Effect.timeoutFail(self, { duration, onTimeout })
    if (!(millis <= MAX_TIMER_MILLIS)) return self
    // Masked until the wait below is in place, so an interruption in between cannot strand the child.
    return Effect.uninterruptibleMask((restore) =>
      // The child ends in an Exit, never a failure: the runtime would log a failed fiber nobody joined.
      Effect.flatMap(Effect.fork(Effect.exit(restore(self))), (child) =>
        restore(
          // One parameter exactly: with two, `Effect.async` makes an AbortController per call.
          Effect.async<A, E | E2>((resume) => {
            let timedOut = false
            const timer = setTimeout(() => {
              timedOut = true
              child.unsafeInterruptAsFork(FiberId.none)
            }, millis)
            // Resumes once the child has ended, so a timed-out request is aborted before the TimeoutError.
            const observer = (exit: Exit.Exit<Exit.Exit<A, E>>) => {
              clearTimeout(timer)
              // The child's outer part is uninterruptible (forked inside the mask), so its interruption
              // shows up inside the Exit it succeeds with.
              const result: Exit.Exit<A, E> = Exit.isSuccess(exit) ? exit.value : Exit.failCause(exit.cause)
              resume(
                timedOut && Exit.isFailure(result) && Cause.isInterruptedOnly(result.cause)
                  ? Exit.fail(onTimeout())
                  : result
              )
            }
            child.addObserver(observer)
            return Effect.suspend(() => {
              clearTimeout(timer)
              child.removeObserver(observer)
              return Fiber.interrupt(child)
            })
          })
        )
      )
    )
  })
}
