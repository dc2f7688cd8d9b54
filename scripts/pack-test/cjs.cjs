// Run by scripts/pack-test.mjs in a scratch project that installed the packed tarball, with
// --no-experimental-require-module: the CommonJS build must load as CommonJS, as on Node < 20.19.
const { Effect } = require("effect")
const { Users } = require("effect-auth0")
const { FakeAuth0 } = require("effect-auth0/testing")

for (const entry of ["effect-auth0", "effect-auth0/testing"]) {
  const resolved = require.resolve(entry)
  if (!/[/\\]dist[/\\]cjs[/\\]/.test(resolved)) throw new Error(`${entry} resolved to ${resolved}`)
}
// One Effect in the process: the library's require("effect") is the caller's.
const esmEffect = Object.keys(require.cache).filter((file) => /[/\\]effect[/\\]dist[/\\]esm[/\\]/.test(file))
if (esmEffect.length > 0) throw new Error(`an ES module copy of effect was loaded: ${esmEffect[0]}`)

const program = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.Tenant
  const [seeded] = yield* tenant.seedUsers([
    { connection: "Username-Password-Authentication", email: "cjs@example.com" }
  ])
  const user = yield* Users.get(seeded.user_id)
  const missing = yield* Users.get("auth0|nobody").pipe(
    Effect.map(() => "found"),
    Effect.catchTag("NotFound", (error) => Effect.succeed(error._tag))
  )
  return { email: user.email, missing }
}).pipe(Effect.provide(FakeAuth0.layer()))

Effect.runPromise(program).then(
  (result) => {
    if (result.email !== "cjs@example.com" || result.missing !== "NotFound") throw new Error(JSON.stringify(result))
    console.log("cjs ok", JSON.stringify(result))
  },
  (error) => {
    console.error(error)
    process.exitCode = 1
  }
)
