// Type-checked by scripts/pack-test.mjs against the installed tarball (NodeNext, skipLibCheck off).
import { Effect } from "effect"
import { type User, Users } from "effect-auth0"
import { FakeAuth0 } from "effect-auth0/testing"

export const email: Effect.Effect<string | undefined, never, never> = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.Tenant
  const [seeded] = yield* tenant.seedUsers([{ connection: "Username-Password-Authentication" }])
  const user: User.User = yield* Users.get(seeded!.user_id)
  return user.email
}).pipe(Effect.provide(FakeAuth0.layer()), Effect.orDie)
