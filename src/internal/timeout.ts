/**
 * A per-attempt timeout that costs one fiber instead of `Effect.timeoutFail`'s
 * race (two forked fibers, a sleeping one among them, and the interruption of
 * the loser): over a transport that answers at once, some 17 µs of CPU per
 * call instead of 45. The fiber itself stays: only interrupting the exchange
 * stops every `HttpClient`, those that ignore the abort signal included.
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

interface Timer {
  /** Call `expire` when the time is up, unless cancelled first. */
  readonly start: (expire: () => void) => void
  readonly cancel: () => void
}

/**
 * On the live clock a plain `setTimeout`. Another clock (`TestClock`) moves
 * only when asked, so there a fiber sleeps on it: tests drive the timeout with
 * `TestClock.adjust` and go through the same code as production.
 */
const makeTimer = (clock: Clock.Clock, duration: Duration.Duration): Effect.Effect<Timer> => {
  if (clock === liveClock) {
    let handle: ReturnType<typeof setTimeout> | undefined
    return Effect.succeed({
      start: (expire) => {
        handle = setTimeout(expire, Duration.toMillis(duration))
      },
      cancel: () => clearTimeout(handle)
    })
  }
  // Interruptible: it is forked inside timeoutFail's mask, and must stop sleeping when cancelled.
  return Effect.map(Effect.fork(Effect.interruptible(clock.sleep(duration))), (sleeper) => ({
    start: (expire) => sleeper.addObserver((exit) => Exit.isSuccess(exit) && expire()),
    cancel: () => sleeper.unsafeInterruptAsFork(FiberId.none)
  }))
}

/**
 * Fail with `onTimeout()` when `self` has not finished within `duration`,
 * interrupting it (which aborts the platform's request). `self` runs in a
 * fiber of its own and what it changes of its fiber refs stays there.
 */
export const timeoutFail = <A, E, E2>(
  self: Effect.Effect<A, E>,
  duration: Duration.Duration,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> => {
  if (!(Duration.toMillis(duration) <= MAX_TIMER_MILLIS)) return self
  return Effect.clockWith((clock) =>
    // Masked until the wait below is in place, so an interruption in between cannot strand the child.
    Effect.uninterruptibleMask((restore) =>
      // The child ends in an Exit, never a failure: the runtime would log a failed fiber nobody joined.
      Effect.flatMap(Effect.fork(Effect.exit(restore(self))), (child) =>
        Effect.flatMap(makeTimer(clock, duration), (timer) =>
          restore(
            // One parameter exactly: with two, `Effect.async` makes an AbortController per call.
            Effect.async<A, E | E2>((resume) => {
              let timedOut = false
              // Resumes once the child has ended, so a timed-out request is aborted before the TimeoutError.
              const observer = (exit: Exit.Exit<Exit.Exit<A, E>>) => {
                timer.cancel()
                // The child's outer part is uninterruptible (forked inside the mask), so its interruption
                // shows up inside the Exit it succeeds with.
                const result: Exit.Exit<A, E> = Exit.isSuccess(exit) ? exit.value : Exit.failCause(exit.cause)
                resume(
                  timedOut && Exit.isFailure(result) && Cause.isInterruptedOnly(result.cause)
                    ? Exit.fail(onTimeout())
                    : result
                )
              }
              // Started first: a child that has already ended calls the observer at once, which cancels it.
              timer.start(() => {
                timedOut = true
                child.unsafeInterruptAsFork(FiberId.none)
              })
              child.addObserver(observer)
              return Effect.suspend(() => {
                timer.cancel()
                child.removeObserver(observer)
                return Fiber.interrupt(child)
              })
            })
          )
        )
      )
    )
  )
}
