/**
 * Where effect-auth0's time per request goes: the layers of `Users.get`
 * rebuilt one at a time over the same `@effect/platform` client, each
 * measured in client CPU microseconds per request (median of 3 runs of 2000
 * requests), sequential and at concurrency 16.
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
  const decode = Schema.decodeUnknown(User.User)
  const decodeEither = Schema.decodeUnknownEither(User.User)
  const traced = Effect.fn("Users.get")(function* (id: string) {
    return yield* exchange(id)
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
      "  + Effect.timeoutFail",
      over((id) => Effect.timeoutFail(exchange(id), { duration: "30 seconds", onTimeout: () => new Error("timeout") }))
    ],
    [
      "  + Timeout.timeoutFail (a fiber, a timer)",
      over((id) => Timeout.timeoutFail(exchange(id), Duration.seconds(30), () => new Error("timeout")))
    ],
    [
      "  + Effect.withSpan",
      over((id) => Effect.withSpan(exchange(id), "Auth0Http.request", { kind: "client", attributes: { a: "GET" } }))
    ],
    ["  + Effect.fn span", over((id) => traced(id))],
    ["  + Schema.decodeUnknown (User)", over((id) => Effect.flatMap(exchange(id), decode))],
    ["  + Schema.decodeUnknownEither (User)", over((id) => Effect.flatMap(exchange(id), decodeEither))],
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
    for (let round = 0; round < 3; round++) {
      for (const [name, run] of variants) {
        await run(server.userIds.slice(0, 200), concurrency)
        const before = process.cpuUsage()
        await run(server.userIds, concurrency)
        const used = process.cpuUsage(before)
        cpu.set(name, [...(cpu.get(name) ?? []), (used.user + used.system) / server.userIds.length])
      }
    }
    process.stdout.write(`\nconcurrency ${concurrency}: client CPU µs per request (median of 3)\n`)
    for (const [name] of variants) {
      process.stdout.write(`  ${name.padEnd(40)} ${median(cpu.get(name)!).toFixed(0).padStart(5)}\n`)
    }
  }
  await Promise.all([platform.dispose(), auth0.dispose(), unpaced.dispose()])
} finally {
  await server.stop()
}
process.exit(0)
