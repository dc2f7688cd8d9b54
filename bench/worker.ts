/**
 * One client process of the benchmark, started by `bench/run.ts` with an IPC
 * channel. The job comes in `BENCH_JOB` (JSON):
 *
 * - `{ kind: "burst", contender, server, ids, concurrency, extra? }`: build
 *   the client, send one request (token + connection), report `ready`, wait
 *   for `go`, then fetch every id at that concurrency against the rate-limited
 *   tenant and report the time, the 429 answers and the failed operations.
 * - `{ kind: "memory", op: "stream" | "export", server, params, consumer? }`:
 *   drain `Users.stream` / `Users.export` (or, with `consumer: "raw"`, the
 *   export job without the library) while sampling
 *   `process.memoryUsage().rss` every 50 ms; report users, time and peak RSS
 *   growth.
 * - `{ kind: "mixed", contender, mode, server, … }`: reads and updates against
 *   per-class buckets (`bench/mixedJob.ts`), started like a burst job.
 */
import { Effect, Either, Option, Stream } from "effect"
import { Users } from "../src/index.js"
import {
  effectRuntime,
  errorText,
  fetchToken,
  nodeAuth0Client,
  optionalOperation,
  pool,
  rawExport,
  rawUndiciGet,
  type ServerInfo,
  sleep,
  StatusCounter,
  wallNow
} from "./lib.js"
import { mixed, type MixedJob, type MixedResult } from "./mixedJob.js"

export interface BurstJob {
  readonly kind: "burst"
  readonly contender: "effect-auth0" | "node-auth0"
  readonly server: ServerInfo
  readonly ids: ReadonlyArray<string>
  readonly concurrency: number
  readonly extra?: Readonly<Record<string, unknown>> | undefined
}

export interface MemoryJob {
  readonly kind: "memory"
  readonly op: "stream" | "export"
  readonly server: ServerInfo
  readonly params: Readonly<Record<string, unknown>>
  /**
   * How the stream is drained: `Stream.runForEachChunk` (default), or a loop
   * over `Stream.toPull`, which Effect runs without the sink's channel; `raw`
   * is the floor for `export`: the same job with undici, zlib and
   * `JSON.parse`, no effect-auth0 and no Effect.
   */
  readonly consumer?: "forEachChunk" | "pull" | "raw" | undefined
  /**
   * Drain the stream once before the baseline is taken, as a service that
   * exports more than once does.
   */
  readonly warm?: boolean | undefined
}

export type Job = BurstJob | MemoryJob | MixedJob

export interface BurstResult {
  readonly kind: "burst"
  readonly startedAt: number
  readonly endedAt: number
  readonly operations: number
  readonly failed: number
  readonly responses: number
  readonly tooMany: number
  readonly failures: Readonly<Record<string, number>>
}

export interface MemoryResult {
  readonly kind: "memory"
  readonly available: boolean
  readonly users: number
  readonly elapsedMs: number
  /** From the start to the first user received. */
  readonly firstMs: number
  readonly baselineRss: number
  readonly peakRss: number
  readonly baselineHeap: number
  readonly peakHeap: number
  readonly error?: string | undefined
}

export type Message =
  { readonly type: "ready" } | { readonly type: "result"; readonly result: BurstResult | MemoryResult | MixedResult }

const send = (message: Message) =>
  new Promise<void>((resolve, reject) =>
    process.send!(message, (error: Error | null) => (error ? reject(error) : resolve()))
  )

const waitForGo = () =>
  new Promise<void>((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === "object" && message !== null && (message as { type?: unknown }).type === "go") {
        process.off("message", onMessage)
        resolve()
      }
    }
    process.on("message", onMessage)
  })

const countFailure = (failures: Record<string, number>, key: string) => {
  failures[key] = (failures[key] ?? 0) + 1
}

const burst = async (job: BurstJob): Promise<BurstResult> => {
  const counter = new StatusCounter()
  const failures: Record<string, number> = {}
  let run: () => Promise<void>
  let close: () => Promise<void> = async () => {}
  if (job.contender === "effect-auth0") {
    const runtime = effectRuntime(job.server, { retry: "default", counter, extra: job.extra })
    close = () => runtime.dispose()
    await runtime.runPromise(Users.get(job.ids[0]!))
    run = () =>
      runtime.runPromise(
        Effect.forEach(
          job.ids,
          (id) =>
            Effect.map(Effect.either(Users.get(id)), (result) => {
              if (Either.isLeft(result)) countFailure(failures, result.left._tag)
            }),
          { concurrency: job.concurrency, discard: true }
        )
      )
  } else {
    const client = nodeAuth0Client(job.server, { counter, maxRetries: "default" })
    await client.users.get(job.ids[0]!)
    run = () =>
      pool(job.ids, job.concurrency, async (id) => {
        try {
          await client.users.get(id)
        } catch (error) {
          const status = (error as { statusCode?: unknown }).statusCode
          countFailure(failures, typeof status === "number" ? `HTTP ${status}` : errorText(error).slice(0, 60))
        }
      })
  }
  counter.reset()
  await send({ type: "ready" })
  await waitForGo()
  const startedAt = wallNow()
  await run()
  const endedAt = wallNow()
  await close()
  return {
    kind: "burst",
    startedAt,
    endedAt,
    operations: job.ids.length,
    failed: Object.values(failures).reduce((a, b) => a + b, 0),
    responses: counter.total,
    tooMany: counter.get(429),
    failures
  }
}

/**
 * How a memory job drains its users: `received(n)` for every batch. Set up
 * (token, connection, one request) before the baseline is taken.
 */
interface Drain {
  readonly run: (received: (count: number) => void) => Promise<void>
  readonly close: () => Promise<void>
}

const effectDrain = async (job: MemoryJob, operation: NonNullable<ReturnType<typeof optionalOperation>>) => {
  const runtime = effectRuntime(job.server, { retry: "default" })
  await runtime.runPromise(Users.get(job.server.userIds[0]!))
  const drain: Drain = {
    run: (received) =>
      runtime.runPromise(
        job.consumer === "pull"
          ? Effect.scoped(
              Effect.gen(function* () {
                const pull = yield* Stream.toPull(operation(job.params))
                for (;;) {
                  const next = yield* Effect.either(pull)
                  if (Either.isRight(next)) received(next.right.length)
                  else if (Option.isNone(next.left)) return
                  else return yield* Effect.fail(next.left.value)
                }
              })
            )
          : Stream.runForEachChunk(operation(job.params), (chunk) => Effect.sync(() => received(chunk.length)))
      ),
    close: () => runtime.dispose()
  }
  if (job.warm === true) await drain.run(() => {})
  return drain
}

const rawDrain = async (job: MemoryJob): Promise<Drain> => {
  const token = await fetchToken(job.server)
  await rawUndiciGet(job.server, token)(job.server.userIds[0]!)
  return { run: (received) => rawExport(job.server, token, received), close: async () => {} }
}

const memory = async (job: MemoryJob): Promise<MemoryResult> => {
  const operation = optionalOperation(job.op)
  const base = {
    kind: "memory" as const,
    users: 0,
    elapsedMs: 0,
    firstMs: 0,
    baselineRss: 0,
    peakRss: 0,
    baselineHeap: 0,
    peakHeap: 0
  }
  if (job.consumer !== "raw" && operation === undefined) return { ...base, available: false }
  const drain = job.consumer === "raw" ? await rawDrain(job) : await effectDrain(job, operation!)
  try {
    global.gc?.()
    await sleep(100)
    const { heapUsed: baselineHeap, rss: baselineRss } = process.memoryUsage()
    let peakRss = baselineRss
    let peakHeap = baselineHeap
    const sample = () => {
      const { heapUsed, rss } = process.memoryUsage()
      peakRss = Math.max(peakRss, rss)
      peakHeap = Math.max(peakHeap, heapUsed)
    }
    const sampler = setInterval(sample, 50)
    const started = performance.now()
    let users = 0
    let firstMs = 0
    try {
      await drain.run((count) => {
        if (users === 0 && count > 0) firstMs = performance.now() - started
        users += count
      })
      const elapsedMs = performance.now() - started
      sample()
      return { ...base, available: true, users, elapsedMs, firstMs, baselineRss, peakRss, baselineHeap, peakHeap }
    } catch (error) {
      return {
        ...base,
        available: true,
        elapsedMs: performance.now() - started,
        baselineRss,
        peakRss,
        baselineHeap,
        peakHeap,
        error: errorText(error)
      }
    } finally {
      clearInterval(sampler)
    }
  } finally {
    await drain.close()
  }
}

const main = async () => {
  const job = JSON.parse(process.env.BENCH_JOB ?? "null") as Job | null
  if (job === null) throw new Error("BENCH_JOB is not set: bench/worker.ts is started by bench/run.ts")
  const result =
    job.kind === "burst"
      ? await burst(job)
      : job.kind === "mixed"
        ? await mixed(job, async () => {
            await send({ type: "ready" })
            await waitForGo()
          })
        : await memory(job)
  await send({ type: "result", result })
}

// The parent holds our stdin open; when it goes away, so do we.
process.stdin.on("end", () => process.exit(0))
process.stdin.resume()

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench worker: ${errorText(error)}\n`)
    process.exit(1)
  }
)
