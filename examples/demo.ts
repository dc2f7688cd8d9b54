/**
 * `npm run demo`: the library's main job against an embedded fake tenant
 * served on loopback and reached over real HTTP (undici). With AUTH0_DOMAIN
 * and credentials in the environment, the read-only part runs against that
 * tenant instead.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { Auth0Http } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { migrate } from "./migration.js"
import { accessAdmin } from "./rbac.js"
import { DATABASE, DATABASE_ID, seedTenant } from "./seed.js"
import { burst, readOnly, readWrite } from "./tour.js"

const title = (text: string) => Effect.sync(() => console.log(`\n${text}`))

const againstFake = Effect.gen(function* () {
  const started = Date.now()
  const tenant = yield* FakeAuth0.make({ seed: 2026 })
  const seeded = yield* seedTenant(tenant, 3000)
  const baseUrl = yield* FakeAuth0.serve({ tenant })
  yield* title(`Fake Auth0 tenant on ${baseUrl}: ${seeded.length} users seeded in ${Date.now() - started} ms`)

  const auth0 = Auth0Http.layer({
    domain: tenant.domain,
    baseUrl,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))

  yield* Effect.gen(function* () {
    yield* title("Read")
    yield* readOnly
    yield* title("Write")
    yield* readWrite(DATABASE)
    yield* title("Access admin: find by email, assign a role, its permissions, a block lifted, sessions revoked")
    yield* accessAdmin(tenant, String(seeded.find((u) => typeof u.email === "string")?.email))

    yield* title("Import: 20,000 legacy users from a Stream, in files under 500 KB, two jobs at a time")
    yield* migrate(
      DATABASE_ID,
      20_000,
      seeded.flatMap((u) => (typeof u.email === "string" ? [u.email] : [])).slice(0, 100)
    )

    yield* title("Rate limit: a bucket of 4 refilled 10 per second, and 12 reads at concurrency 4")
    yield* tenant.setRateLimit({ burst: 4, perSecond: 10, retryAfter: true })
    const before = (yield* tenant.requests).length
    const fetched = yield* burst(12)
    const limited = (yield* tenant.requests).slice(before).filter((r) => r.status === 429).length
    yield* tenant.setRateLimit(false)
    yield* Effect.sync(() =>
      console.log(`  ${fetched}/12 users fetched; ${limited} answer(s) were 429, retried after Retry-After; 0 failed`)
    )
  }).pipe(Effect.provide(auth0))

  const all = yield* tenant.requests
  yield* title(
    `Done: ${all.length} requests served, ${all.filter((r) => r.url === "/oauth/token").length} token request(s).`
  )
})

const againstRealTenant = Effect.gen(function* () {
  yield* title(`Read-only tour against ${process.env.AUTH0_DOMAIN}`)
  yield* Effect.provide(readOnly, Auth0Http.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici)))
})

const program: Effect.Effect<void, unknown> = process.env.AUTH0_DOMAIN ? againstRealTenant : Effect.scoped(againstFake)

Effect.runPromise(program).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(String(error))
    process.exit(1)
  }
)
