/**
 * Why an uncapped process grows while draining a stream that keeps nothing:
 * the same toy stream (4000 chunks of 50 fresh objects, no effect-auth0 code)
 * drained two ways, with the growth of V8's old space measured at every chunk.
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
 * Each way also runs with V8's allocation-site pretenuring off: once enough
 * chunks survive, V8 allocates the objects of that literal straight into the
 * old space, which multiplies the growth. Pure-channel variants narrow the
 * cause down: a reader piped (`Channel.pipeTo`) from an upstream that runs an
 * effect capturing the element it received is enough; the same reader with
 * an effect that does not capture it, or that builds its own objects, is not.
 */
import { execFileSync } from "node:child_process"
import { getHeapSpaceStatistics } from "node:v8"
import { Chunk, Effect, Either, Option, Stream } from "effect"

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
    `${name.padEnd(58)} ${count} objects in ${ms.toFixed(0)} ms, old space grew by up to ${((peak - start) / 1024 / 1024).toFixed(1)} MB\n`
  )
}

const drains: Record<string, (onChunk: (n: number) => void) => Effect.Effect<void>> = {
  "Stream.runForEachChunk": (onChunk) =>
    Stream.runForEachChunk(toy(), (chunk) => Effect.sync(() => onChunk(chunk.length))),
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
