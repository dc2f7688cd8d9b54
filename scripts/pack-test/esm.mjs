// Run by scripts/pack-test.mjs in a scratch project that installed the packed tarball.
import { Effect } from "effect"
import { Users } from "effect-auth0"
import { FakeAuth0 } from "effect-auth0/testing"

const resolved = import.meta.resolve("effect-auth0")
if (!resolved.endsWith("/dist/esm/index.js")) throw new Error(`effect-auth0 resolved to ${resolved}`)

const program = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.Tenant
  const [seeded] = yield* tenant.seedUsers([
    { connection: "Username-Password-Authentication", email: "esm@example.com" }
  ])
  const user = yield* Users.get(seeded.user_id)
  const missing = yield* Users.get("auth0|nobody").pipe(
    Effect.map(() => "found"),
    Effect.catchTag("NotFound", (error) => Effect.succeed(error._tag))
  )
  return { email: user.email, missing }
}).pipe(Effect.provide(FakeAuth0.layer()))

const result = await Effect.runPromise(program)
if (result.email !== "esm@example.com" || result.missing !== "NotFound") throw new Error(JSON.stringify(result))
console.log("esm ok", JSON.stringify(result))
