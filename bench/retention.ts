/**
 * Why an uncapped process grows while draining a stream that keeps nothing:
 * the same toy stream (4000 chunks of 50 fresh objects, no effect-auth0 code)
 * drained three ways, with the growth of V8's old space measured at every
 * chunk.
 *
 *   node --import tsx bench/retention.ts
 *
 * Drained with `Stream.runForEachChunk`, most of every chunk outlives two
 * scavenges and is promoted, then freed only by the next full GC: the old
 * space grows by tens of MB. Drained with a `Stream.toPull` loop, the chunks
 * die young and the old space stays flat. The difference lies in how Effect
 * runs the sink, not in the stream; `npm run bench` shows the same for
 * `Users.export`.
 *
 * Why: the sink hands every chunk to `Channel.fromEffect(f(chunk))`, and
 * Effect's `fromEffect` stores `op.effect = () => effect`. V8's parser
 * allocates a function literal assigned to a property straight into the old
 * space while the function runs unoptimized, so each such closure is born old;
 * dead, it still points at the young effect and through it at the chunk, and
 * every scavenge takes that pointer for a root until the next full GC. The
 * chunks survive two scavenges and are promoted, and then V8's allocation-site
 * pretenuring sees their objects survive and allocates them in the old space
 * from the start. Once the JIT optimizes `fromEffect`, its closures are born
 * young and it stops. The third way shows it: the same drain after 20,000
 * warm-up calls of `Channel.fromEffect`. Each way also runs with V8's
 * allocation-site pretenuring off, which leaves only the first part. Written
 * as `op.effect = thunk(effect)` (a closure returned from a function is born
 * young), Effect would not do this at all.
 */
import { execFileSync } from "node:child_process"
import { getHeapSpaceStatistics } from "node:v8"
import { Channel, Chunk, Effect, Either, Option, Stream } from "effect"

const CHUNKS = 4000

const objects = (i: number) =>
  Array.from({ length: 50 }, (_, j) => ({
    user_id: `auth0|${i}-${j}`,
    name: `Some Person ${j}`,
    app_metadata: { plan: "pro", n: j },
    identities: [{ provider: "auth0", user_id: String(j), connection: "Username-Password-Authentication" }],
    pad: `${"x".repeat(200)}${i}`
  }))

const toy = () =>
  Stream.paginateChunk(0, (i) => [
    Chunk.unsafeFromArray(objects(i)),
    i + 1 < CHUNKS ? Option.some(i + 1) : Option.none()
  ])

const oldSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === "old_space")!.space_used_size

const measure = async (name: string, drain: (onChunk: (n: number) => void) => Effect.Effect<void>) => {
  const start = oldSpace()
  let peak = start
  let count = 0
  const started = performance.now()
  await Effect.runPromise(
    drain((n) => {
      count += n
      peak = Math.max(peak, oldSpace())
    })
  )
  const ms = performance.now() - started
  process.stdout.write(
    `${name.padEnd(80)} ${count} objects in ${ms.toFixed(0)} ms, old space grew by up to ${((peak - start) / 1024 / 1024).toFixed(1)} MB\n`
  )
}

const sink = (onChunk: (n: number) => void) =>
  Stream.runForEachChunk(toy(), (chunk) => Effect.sync(() => onChunk(chunk.length)))

const drains: Record<string, (onChunk: (n: number) => void) => Effect.Effect<void>> = {
  "Stream.runForEachChunk": sink,
  "Stream.runForEachChunk, fromEffect warmed up": (onChunk) =>
    Effect.suspend(() => {
      for (let i = 0; i < 20_000; i++) Channel.fromEffect(Effect.void)
      return sink(onChunk)
    }),
  "Stream.toPull loop": (onChunk) =>
    Effect.scoped(
      Effect.gen(function* () {
        const pull = yield* Stream.toPull(toy())
        for (;;) {
          const next = yield* Effect.either(pull)
          if (Either.isLeft(next)) return
          onChunk(next.right.length)
        }
      })
    )
}

const only = process.env.RETENTION_DRAIN
if (only !== undefined) {
  await measure(`${only}${process.env.RETENTION_FLAGS ? ` (${process.env.RETENTION_FLAGS})` : ""}`, drains[only]!)
} else {
  // Each way in a fresh process, three times: one process's old space holds what came before.
  for (let round = 0; round < 3; round++) {
    for (const flags of ["", "--no-allocation-site-pretenuring"]) {
      for (const name of Object.keys(drains)) {
        process.stdout.write(
          execFileSync(process.execPath, [...(flags ? [flags] : []), ...process.execArgv, process.argv[1]!], {
            env: { ...process.env, RETENTION_DRAIN: name, RETENTION_FLAGS: flags }
          })
        )
      }
    }
  }
}
