/**
 * The `mixed` job of `bench/worker.ts`: reads and updates at once against a
 * tenant with a bucket per endpoint class, for effect-auth0 and node-auth0,
 * each with its default retries.
 *
 * - `independent`: `concurrency` fibers `Users.get` over `reads` while another
 *   `concurrency` fibers `Users.update` over `writes`, both lists worked
 *   through completely.
 * - `coupled`: a sync job over `items` at `concurrency`: read each user, and
 *   update every second one (odd index) once its read has answered.
 *
 * Warm-up as the burst job: one request (token, connection), then `ready`,
 * then wait for `go`. Figures are per class (reads, writes) and in total.
 */
import { Effect, Either } from "effect"
import { Users } from "../src/index.js"
import {
  effectRuntime,
  errorText,
  nodeAuth0Client,
  pool,
  type ResponseCounter,
  type ServerInfo,
  StatusCounter,
  wallNow
} from "./lib.js"

export type MixedWork =
  | {
      readonly mode: "independent"
      readonly reads: ReadonlyArray<string>
      readonly writes: ReadonlyArray<string>
      /** Fibers per class: this many readers and as many writers. */
      readonly concurrency: number
    }
  | { readonly mode: "coupled"; readonly items: ReadonlyArray<string>; readonly concurrency: number }

export type MixedJob = {
  readonly kind: "mixed"
  readonly contender: "effect-auth0" | "node-auth0"
  readonly server: ServerInfo
  /** Extra `Auth0Http.layer` options, for tuning (effect-auth0 only). */
  readonly extra?: Readonly<Record<string, unknown>> | undefined
} & MixedWork

/** One class of operations (or all of them). */
export interface ClassFigures {
  /** Operations the job meant to run. */
  readonly operations: number
  /** Operations that still failed after the client's retries (a coupled update whose read failed is one). */
  readonly failed: number
  /** Failed operations by error tag (effect-auth0) or `HTTP <status>` (node-auth0). */
  readonly failures: Readonly<Record<string, number>>
  /** API answers, retries included. */
  readonly responses: number
  readonly tooMany: number
  /** Wall clock (ms) when the class's last operation settled; `startedAt` if it had none. */
  readonly endedAt: number
}

export interface MixedResult {
  readonly kind: "mixed"
  readonly startedAt: number
  readonly endedAt: number
  readonly reads: ClassFigures
  readonly writes: ClassFigures
  readonly total: ClassFigures
}

/** What one class of operations saw. */
class Tally {
  readonly statuses = new StatusCounter()
  readonly failures: Record<string, number> = {}
  endedAt = 0

  constructor(readonly operations: number) {}

  fail(key: string): void {
    this.failures[key] = (this.failures[key] ?? 0) + 1
    this.settled()
  }

  settled(): void {
    this.endedAt = wallNow()
  }

  figures(startedAt: number): ClassFigures {
    return {
      operations: this.operations,
      failed: Object.values(this.failures).reduce((a, b) => a + b, 0),
      failures: { ...this.failures },
      responses: this.statuses.total,
      tooMany: this.statuses.get(429),
      endedAt: Math.max(startedAt, this.endedAt)
    }
  }
}

const SKIPPED = "skipped: its read failed"

const sum = (a: ClassFigures, b: ClassFigures): ClassFigures => {
  const failures: Record<string, number> = { ...a.failures }
  for (const [k, v] of Object.entries(b.failures)) failures[k] = (failures[k] ?? 0) + v
  return {
    operations: a.operations + b.operations,
    failed: a.failed + b.failed,
    failures,
    responses: a.responses + b.responses,
    tooMany: a.tooMany + b.tooMany,
    endedAt: Math.max(a.endedAt, b.endedAt)
  }
}

/** Run the job; `warmedUp` reports `ready` and resolves on `go`. */
export const mixed = async (job: MixedJob, warmedUp: () => Promise<void>): Promise<MixedResult> => {
  const [readIds, writeIds] = job.mode === "independent" ? [job.reads, job.writes] : [job.items, []]
  const reads = new Tally(readIds.length)
  const writes = new Tally(job.mode === "independent" ? writeIds.length : Math.floor(job.items.length / 2))
  // Only API answers come here; the class is the method, as the fake's buckets have it.
  const counter: ResponseCounter = {
    add: (status, method) => (method === "GET" ? reads : writes).statuses.add(status)
  }
  let n = 0
  const metadata = () => ({ user_metadata: { n: n++ } })
  let run: () => Promise<void>
  let close: () => Promise<void> = async () => {}

  if (job.contender === "effect-auth0") {
    const runtime = effectRuntime(job.server, { retry: "default", counter, extra: job.extra })
    close = () => runtime.dispose()
    await runtime.runPromise(Users.get(readIds[0]!))
    const settle = (tally: Tally) => (result: Either.Either<unknown, { readonly _tag: string }>) =>
      Either.isLeft(result) ? tally.fail(result.left._tag) : tally.settled()
    const get = (id: string) => Effect.map(Effect.either(Users.get(id)), settle(reads))
    const update = (id: string) => Effect.map(Effect.either(Users.update(id, metadata())), settle(writes))
    const work =
      job.mode === "independent"
        ? Effect.all(
            [
              Effect.forEach(readIds, get, { concurrency: job.concurrency, discard: true }),
              Effect.forEach(writeIds, update, { concurrency: job.concurrency, discard: true })
            ],
            { concurrency: 2, discard: true }
          )
        : Effect.forEach(
            job.items,
            (id, i) =>
              Effect.flatMap(Effect.either(Users.get(id)), (read) => {
                settle(reads)(read)
                if (i % 2 === 0) return Effect.void
                return Either.isLeft(read) ? Effect.sync(() => writes.fail(SKIPPED)) : update(id)
              }),
            { concurrency: job.concurrency, discard: true }
          )
    run = () => runtime.runPromise(work)
  } else {
    const client = nodeAuth0Client(job.server, { counter, maxRetries: "default" })
    await client.users.get(readIds[0]!)
    /** Whether the call succeeded; a failure is counted under its HTTP status. */
    const attempt = async (tally: Tally, call: () => Promise<unknown>): Promise<boolean> => {
      try {
        await call()
        tally.settled()
        return true
      } catch (error) {
        const status = (error as { statusCode?: unknown }).statusCode
        tally.fail(typeof status === "number" ? `HTTP ${status}` : errorText(error).slice(0, 60))
        return false
      }
    }
    const get = (id: string) => attempt(reads, () => client.users.get(id))
    const update = (id: string) => attempt(writes, () => client.users.update(id, metadata()))
    run =
      job.mode === "independent"
        ? async () => {
            await Promise.all([pool(readIds, job.concurrency, get), pool(writeIds, job.concurrency, update)])
          }
        : () =>
            pool(job.items, job.concurrency, async (id, i) => {
              const read = await get(id)
              if (i % 2 === 0) return
              if (read) await update(id)
              else writes.fail(SKIPPED)
            })
  }

  // The warm-up's answer is not part of the run.
  reads.statuses.reset()
  writes.statuses.reset()
  await warmedUp()
  const startedAt = wallNow()
  await run()
  const endedAt = wallNow()
  await close()
  const r = reads.figures(startedAt)
  const w = writes.figures(startedAt)
  return { kind: "mixed", startedAt, endedAt, reads: r, writes: w, total: sum(r, w) }
}
