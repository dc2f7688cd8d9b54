/**
 * Where effect-auth0's time per request goes: `Users.get` rebuilt layer by
 * layer over the same `@effect/platform` client, each row adding one layer to
 * the row above (indented rows), then the library itself. Client CPU
 * microseconds per request (median of 5 runs of 2000 requests), sequential
 * and at concurrency 16.
 *
 *   node --import tsx bench/breakdown.ts
 *
 * Not part of `npm run bench`; run it after changing the request path.
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Duration, Effect, ManagedRuntime, Schema } from "effect"
import * as Timeout from "../src/internal/timeout.js"
import { User, Users } from "../src/index.js"
import { effectRuntime, fetchToken, median, pool, rawUndiciGet, startServer, userPath } from "./lib.js"

const server = await startServer({ users: 2000, ids: 2000 })
try {
  const token = await fetchToken(server)
  const platform = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const platformClient = await platform.runPromise(HttpClient.HttpClient)
  const exchangeOver = (client: HttpClient.HttpClient) => (id: string) =>
    client
      .execute(
        HttpClientRequest.get(`${server.url}${userPath(id)}`).pipe(
          HttpClientRequest.acceptJson,
          HttpClientRequest.bearerToken(token)
        )
      )
      .pipe(Effect.flatMap((response) => Effect.map(response.text, (text) => JSON.parse(text) as unknown)))
  // The platform's client as it comes, and as Auth0Http configures it (no platform span); the
  // layers below are added to the second.
  const plain = exchangeOver(platformClient)
  const exchange = exchangeOver(platformClient.pipe(HttpClient.withTracerDisabledWhen(() => true)))
  const decodeEither = Schema.decodeUnknownEither(User.User)
  // The layers of Auth0Http.request, cumulatively.
  const timed = (id: string) => Timeout.timeoutFail(exchange(id), Duration.seconds(30), () => new Error("timeout"))
  const inSpan = Effect.fn("Users.get")(function* (id: string) {
    return yield* timed(id)
  })
  const decoded = Effect.fn("Users.get")(function* (id: string) {
    return yield* decodeEither(yield* timed(id))
  })
  const auth0 = effectRuntime(server, { retry: false })
  const unpaced = effectRuntime(server, { retry: false, extra: { pacing: false } })
  const raw = rawUndiciGet(server, token)

  type Variant = (ids: ReadonlyArray<string>, concurrency: number) => Promise<unknown>
  const over =
    (f: (id: string) => Effect.Effect<unknown, unknown>): Variant =>
    (ids, concurrency) =>
      platform.runPromise(Effect.forEach(ids, f, { concurrency, discard: true }))
  const variants: ReadonlyArray<readonly [string, Variant]> = [
    ["raw undici", (ids, concurrency) => pool(ids, concurrency, raw)],
    ["platform: execute + text + JSON.parse", over(plain)],
    ["  the same, platform span off", over(exchange)],
    [
      "    (Effect.timeoutFail instead)",
      over((id) => Effect.timeoutFail(exchange(id), { duration: "30 seconds", onTimeout: () => new Error("timeout") }))
    ],
    ["  + timeout (Timeout.timeoutFail)", over(timed)],
    ["  + operation span (Effect.fn)", over(inSpan)],
    ["  + decode (Schema.decodeUnknownEither)", over(decoded)],
    [
      "effect-auth0 Users.get, pacing: false",
      (ids, concurrency) =>
        unpaced.runPromise(Effect.forEach(ids, (id) => Users.get(id), { concurrency, discard: true }))
    ],
    [
      "effect-auth0 Users.get (defaults)",
      (ids, concurrency) => auth0.runPromise(Effect.forEach(ids, (id) => Users.get(id), { concurrency, discard: true }))
    ]
  ]
  for (const concurrency of [1, 16]) {
    const cpu = new Map<string, Array<number>>()
    for (let round = 0; round < 5; round++) {
      // Rotated each round, so no row always runs right after the same other one.
      for (const [name, run] of variants.map((_, i) => variants[(i + round) % variants.length]!)) {
        await run(server.userIds.slice(0, 200), concurrency)
        const before = process.cpuUsage()
        await run(server.userIds, concurrency)
        const used = process.cpuUsage(before)
        cpu.set(name, [...(cpu.get(name) ?? []), (used.user + used.system) / server.userIds.length])
      }
    }
    process.stdout.write(`\nconcurrency ${concurrency}: client CPU µs per request (median of 5)\n`)
    for (const [name] of variants) {
      process.stdout.write(`  ${name.padEnd(40)} ${median(cpu.get(name)!).toFixed(0).padStart(5)}\n`)
    }
  }
  await Promise.all([platform.dispose(), auth0.dispose(), unpaced.dispose()])
} finally {
  await server.stop()
}
process.exit(0)
