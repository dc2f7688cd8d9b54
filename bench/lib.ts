/**
 * What the benchmark processes share: the fake tenant's process, the three
 * contenders (effect-auth0, raw undici, node-auth0), a bounded async pool and
 * latency statistics.
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import { ManagementClient } from "auth0"
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { StringDecoder } from "node:string_decoder"
import { fileURLToPath } from "node:url"
import * as Zlib from "node:zlib"
import { Effect, Layer, ManagedRuntime, Redacted, type Stream } from "effect"
import * as Undici from "undici"
import { Auth0Http, Users } from "../src/index.js"
import type { FakeAuth0 } from "../src/testing/index.js"
import type { MixedResult } from "./mixedJob.js"
import type { BurstResult, Job, MemoryResult, Message } from "./worker.js"

export const BENCH_DIR = Path.dirname(fileURLToPath(import.meta.url))
export const ROOT = Path.resolve(BENCH_DIR, "..")

/** What `bench/server.ts` prints. */
export interface ServerInfo {
  readonly url: string
  readonly domain: string
  readonly clientId: string
  readonly clientSecret: string
  readonly users: number
  readonly userIds: ReadonlyArray<string>
}

export interface ServerOptions {
  readonly users: number
  readonly ids?: number | undefined
  readonly shape?: "email" | "username" | undefined
  /** The fake's whole `rateLimit` option: one bucket, or `{ buckets: … }` per endpoint class. */
  readonly rateLimit?: FakeAuth0.RateLimitOptions | FakeAuth0.BucketRateLimitOptions | undefined
  /** How long the fake keeps an import job pending, ms (its `importMillis`). */
  readonly importMillis?: number | undefined
}

/** What the server process spent between two `load()` probes. */
export interface ServerLoad {
  readonly cpuMs: number
  readonly wallMs: number
  /** How late its event loop ran a timer, at worst and at the 99th percentile. */
  readonly maxDelayMs: number
  readonly p99DelayMs: number
}

/** Every child this process started, so that an exit or a crash takes them down too. */
const children = new Set<ChildProcess>()

export const track = (child: ChildProcess): ChildProcess => {
  children.add(child)
  child.on("exit", () => children.delete(child))
  return child
}

export const killChildren = (): void => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill("SIGTERM")
  }
}

process.on("exit", killChildren)

/** `node --import tsx <script>`: one process, so a signal reaches the script itself. */
export const spawnTsx = (
  script: string,
  env: Record<string, string>,
  stdio: "pipe" | "ipc",
  nodeArgs: ReadonlyArray<string> = []
): ChildProcess =>
  track(
    spawn(process.execPath, [...nodeArgs, "--import", "tsx", Path.join(BENCH_DIR, script)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: stdio === "ipc" ? ["pipe", "pipe", "inherit", "ipc"] : ["pipe", "pipe", "inherit"]
    })
  )

/** Run `script` in a fresh process and read the last line it prints as JSON: one measured run's result. */
export const runJson = <A>(script: string, env: Record<string, string>, nodeArgs: ReadonlyArray<string>): Promise<A> =>
  new Promise((resolve, reject) => {
    const child = spawnTsx(script, env, "pipe", nodeArgs)
    let out = ""
    child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")))
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`))
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as A)
      } catch (error) {
        reject(error)
      }
    })
  })

export interface RunningServer extends ServerInfo {
  readonly stop: () => Promise<void>
  /** The server's CPU time and event loop delay since the previous call (or since it started). */
  readonly load: () => Promise<ServerLoad>
}

/** Start the fake tenant in a child process; resolves once it listens. */
export const startServer = (options: ServerOptions): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    const child = spawnTsx(
      "server.ts",
      {
        BENCH_USERS: String(options.users),
        BENCH_IDS: String(options.ids ?? Math.min(options.users, 2000)),
        BENCH_SHAPE: options.shape ?? "email",
        // Set even when empty, so that one inherited from the parent's environment does not apply.
        BENCH_RATE_LIMIT: options.rateLimit === undefined ? "" : JSON.stringify(options.rateLimit),
        BENCH_BURST: "",
        BENCH_IMPORT_MILLIS: options.importMillis === undefined ? "" : String(options.importMillis)
      },
      "pipe"
    )
    let buffer = ""
    // After the first line, each line answers one `load` probe, in order.
    const probes: Array<{ readonly answer: (load: ServerLoad) => void; readonly fail: (error: Error) => void }> = []
    let started = false
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8")
      for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 1)
        if (started) probes.shift()?.answer((JSON.parse(line) as { load: ServerLoad }).load)
        else {
          started = true
          onInfo(line)
        }
      }
    }
    const onInfo = (line: string) => {
      try {
        const info = JSON.parse(line) as ServerInfo
        resolve({
          ...info,
          load: () =>
            new Promise<ServerLoad>((answer, fail) => {
              if (child.exitCode !== null || child.signalCode !== null) return fail(new Error("bench server is gone"))
              probes.push({ answer, fail })
              child.stdin!.write("load\n")
            }),
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done()
              child.once("exit", () => done())
              child.kill("SIGTERM")
            })
        })
      } catch (error) {
        reject(new Error(`bench server printed something that is not JSON: ${line.slice(0, 200)} (${String(error)})`))
      }
    }
    child.stdout!.on("data", onData)
    child.once("exit", (code, signal) => {
      const error = new Error(`bench server exited early (code ${code}, signal ${signal})`)
      reject(error)
      for (const probe of probes.splice(0)) probe.fail(error)
    })
    child.once("error", reject)
  })

export const userPath = (id: string): string => `/api/v2/users/${encodeURIComponent(id)}`

/** Where a contender reports each API answer (the token request is not counted). */
export interface ResponseCounter {
  add(status: number, method: string): void
}

/** HTTP statuses seen by a contender, counted where the bytes come back. */
export class StatusCounter implements ResponseCounter {
  readonly counts = new Map<number, number>()
  add(status: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1)
  }
  get(status: number): number {
    return this.counts.get(status) ?? 0
  }
  get total(): number {
    let n = 0
    for (const v of this.counts.values()) n += v
    return n
  }
  reset(): void {
    this.counts.clear()
  }
}

// ---------------------------------------------------------------------------
// effect-auth0

export interface EffectContenderOptions {
  /** `false` (default here) sends each request once; `"default"` keeps the library's retry policy. */
  readonly retry?: false | "default" | undefined
  readonly counter?: ResponseCounter | undefined
  /** Extra `Auth0Http.layer` options (pacing, when the library has it). */
  readonly extra?: Readonly<Record<string, unknown>> | undefined
}

/** The layer built once, over `NodeHttpClient.layerUndici`, for the lifetime of the runtime. */
export const effectRuntime = (server: ServerInfo, options: EffectContenderOptions = {}) => {
  const counter = options.counter
  const layerOptions: Auth0Http.Options = {
    ...(options.extra ?? {}),
    domain: server.domain,
    baseUrl: server.url,
    clientId: server.clientId,
    clientSecret: Redacted.make(server.clientSecret),
    ...(options.retry === "default" ? {} : { retry: false }),
    ...(counter
      ? {
          transformClient: HttpClient.tap((response) =>
            Effect.sync(() => {
              // The token request does not go through transformClient; this counts API answers only.
              counter.add(response.status, response.request.method)
            })
          )
        }
      : {})
  }
  return ManagedRuntime.make(Auth0Http.layer(layerOptions).pipe(Layer.provide(NodeHttpClient.layerUndici)))
}

type StreamFn = (params?: Readonly<Record<string, unknown>>) => Stream.Stream<unknown, unknown, Auth0Http.Auth0Http>

/** `Users.stream` / `Users.export` when this version of the library has them. */
export const optionalOperation = (name: "stream" | "export"): StreamFn | undefined => {
  const f = (Users as unknown as Record<string, unknown>)[name]
  return typeof f === "function" ? (f as StreamFn) : undefined
}

// ---------------------------------------------------------------------------
// raw undici

/** A client-credentials token from the fake's `/oauth/token`, form-encoded as Auth0 accepts. */
export const fetchToken = async (server: ServerInfo): Promise<string> => {
  const { statusCode, body } = await Undici.request(`${server.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: server.clientId,
      client_secret: server.clientSecret,
      audience: `https://${server.domain}/api/v2/`
    }).toString()
  })
  const json = (await body.json()) as { access_token?: string }
  if (statusCode !== 200 || typeof json.access_token !== "string") {
    throw new Error(`token request answered ${statusCode}: ${JSON.stringify(json)}`)
  }
  return json.access_token
}

/** `undici.request` + `body.json()`: the floor any client on undici pays. */
export const rawUndiciGet = (server: ServerInfo, token: string) => {
  const authorization = `Bearer ${token}`
  return async (id: string): Promise<unknown> => {
    const { statusCode, body } = await Undici.request(`${server.url}${userPath(id)}`, { headers: { authorization } })
    const json: unknown = await body.json()
    if (statusCode !== 200) throw new Error(`GET user answered ${statusCode}`)
    return json
  }
}

/**
 * The export job with no client library: `undici.request` for the job and the
 * file, polled on the library's default schedule (500 ms, doubling),
 * `zlib.createGunzip`, lines split by hand and `JSON.parse`. The floor under
 * `Users.export`: what Node itself costs for the same work, with no decoding
 * against a schema and no Effect.
 */
export const rawExport = async (server: ServerInfo, token: string, received: (count: number) => void) => {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" }
  const call = async (method: "GET" | "POST", path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await Undici.request(`${server.url}/api/v2${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const json = (await response.body.json()) as Record<string, unknown>
    if (response.statusCode >= 300) throw new Error(`${method} ${path} answered ${response.statusCode}`)
    return json
  }
  const job = await call("POST", "/jobs/users-exports", { format: "json" })
  let location: unknown
  for (let wait = 500; location === undefined; wait *= 2) {
    await sleep(wait)
    const polled = await call("GET", `/jobs/${String(job.id)}`)
    if (polled.status === "completed") location = polled.location
    else if (polled.status !== "pending" && polled.status !== "processing")
      throw new Error(`job ${String(polled.status)}`)
  }
  const file = await Undici.request(String(location))
  if (file.statusCode !== 200) throw new Error(`the file answered ${file.statusCode}`)
  const text = new StringDecoder("utf8")
  let rest = ""
  for await (const chunk of file.body.pipe(Zlib.createGunzip()) as AsyncIterable<Buffer>) {
    const lines = (rest + text.write(chunk)).split("\n")
    rest = lines.pop()!
    let users = 0
    for (const line of lines) {
      if (line.trim() === "") continue
      JSON.parse(line)
      users++
    }
    received(users)
  }
  rest += text.end()
  if (rest.trim() !== "") {
    JSON.parse(rest)
    received(1)
  }
}

/** Node's global `fetch` (its bundled undici) + `response.json()`: the floor node-auth0 pays. */
export const rawFetchGet = (server: ServerInfo, token: string) => {
  const authorization = `Bearer ${token}`
  return async (id: string): Promise<unknown> => {
    const response = await fetch(`${server.url}${userPath(id)}`, { headers: { authorization } })
    const json: unknown = await response.json()
    if (response.status !== 200) throw new Error(`GET user answered ${response.status}`)
    return json
  }
}

// ---------------------------------------------------------------------------
// node-auth0 v7

/**
 * node-auth0 always builds `https://{domain}`; its `fetch` option sends the
 * same requests (API and token) to the loopback origin instead, through Node's
 * global `fetch`, the one it uses when no `fetch` is given.
 */
export const loopbackFetch = (server: ServerInfo, counter?: ResponseCounter): typeof fetch => {
  const from = `https://${server.domain}`
  const rewrite = (url: string) => (url.startsWith(from) ? server.url + url.slice(from.length) : url)
  return async (input, init) => {
    const target =
      typeof input === "string"
        ? rewrite(input)
        : input instanceof URL
          ? rewrite(input.href)
          : new Request(rewrite(input.url), input)
    const response = await fetch(target, init)
    if (
      counter &&
      !(typeof input === "string" ? input : input instanceof URL ? input.href : input.url).endsWith("/oauth/token")
    ) {
      counter.add(response.status, init?.method ?? (input instanceof Request ? input.method : "GET"))
    }
    return response
  }
}

export interface NodeAuth0Options {
  readonly counter?: ResponseCounter | undefined
  /** Default 0 here; `"default"` keeps node-auth0's own (2 retries). */
  readonly maxRetries?: number | "default" | undefined
}

export const nodeAuth0Client = (server: ServerInfo, options: NodeAuth0Options = {}): ManagementClient =>
  new ManagementClient({
    domain: server.domain,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    fetch: loopbackFetch(server, options.counter),
    ...(options.maxRetries === "default" ? {} : { maxRetries: options.maxRetries ?? 0 })
  })

// ---------------------------------------------------------------------------
// running and measuring

/** Run `task` over `items` with at most `concurrency` in flight, in order of start. */
export const pool = async <A>(
  items: ReadonlyArray<A>,
  concurrency: number,
  task: (item: A, index: number) => Promise<unknown>
): Promise<void> => {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      await task(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

export interface Stats {
  readonly n: number
  readonly meanMs: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Requests per second over the wall time of the batch. */
  readonly perSecond: number
  /** Client CPU time (user + system) per request, in microseconds: the client process only. */
  readonly cpuUs: number
}

const quantile = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!

export const stats = (latencies: ReadonlyArray<number>, wallMs: number, cpu: NodeJS.CpuUsage): Stats => {
  const sorted = [...latencies].sort((a, b) => a - b)
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    n: sorted.length,
    meanMs: sum / sorted.length,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    perSecond: (sorted.length / wallMs) * 1000,
    cpuUs: (cpu.user + cpu.system) / sorted.length
  }
}

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The median of each figure over the repeats. */
export const medianStats = (runs: ReadonlyArray<Stats>): Stats => ({
  n: runs[0]?.n ?? 0,
  meanMs: median(runs.map((r) => r.meanMs)),
  p50Ms: median(runs.map((r) => r.p50Ms)),
  p99Ms: median(runs.map((r) => r.p99Ms)),
  perSecond: median(runs.map((r) => r.perSecond)),
  cpuUs: median(runs.map((r) => r.cpuUs))
})

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const wallNow = (): number => performance.timeOrigin + performance.now()

export const errorText = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return text.replace(/\s+/g, " ").slice(0, 200)
}

/** Start one worker process per job; burst and mixed jobs start together once every worker is ready. */
export const runWorkers = async <R extends BurstResult | MemoryResult | MixedResult>(
  jobs: ReadonlyArray<Job>,
  beforeGo?: () => Promise<void>,
  nodeArgs: ReadonlyArray<string> = []
) => {
  const children = jobs.map((job) => spawnTsx("worker.ts", { BENCH_JOB: JSON.stringify(job) }, "ipc", nodeArgs))
  const ready = children.map(
    (child) =>
      new Promise<void>((resolve, reject) => {
        child.on("message", (message: Message) => {
          if (message.type === "ready") resolve()
        })
        child.once("exit", (code) => reject(new Error(`worker exited (code ${code}) before it was ready`)))
      })
  )
  const results = children.map(
    (child) =>
      new Promise<R>((resolve, reject) => {
        child.on("message", (message: Message) => {
          if (message.type === "result") resolve(message.result as R)
        })
        child.once("exit", (code) => reject(new Error(`worker exited (code ${code}) without a result`)))
      })
  )
  // Failures surface through `results`; keep `ready` from rejecting unobserved.
  for (const r of [...ready, ...results]) r.catch(() => {})
  if (jobs.every((job) => job.kind !== "memory")) {
    await Promise.all(ready)
    await beforeGo?.()
    for (const child of children) child.send({ type: "go" })
  }
  return Promise.all(results)
}
