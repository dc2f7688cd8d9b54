import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as Keyset from "../src/internal/keyset.js"

const byUsername = Option.getOrThrow(Keyset.plan(undefined, "username:1"))
const byConnection = Option.getOrThrow(Keyset.plan(undefined, "identities.connection:1"))
const at = (value: string): Keyset.Position => ({ phase: "values", pins: [], at: { value, seen: [], done: false } })
const ids = (step: Keyset.Step<{ readonly user_id: string }>) => step.delivered.map((user) => user.user_id)

describe("Keyset.step trusts the server's range where a user has one value of the key", () => {
  it('a user the server matched to username:["bob" TO *] is delivered even where our order puts it before bob', () => {
    // Were Auth0 to fold the case of `username`, which our model takes as case-sensitive, "Zed" would sort after
    // "bob" on the server and before it here; dropping it would skip it for good.
    const page = [
      { user_id: "u1", username: "bob" },
      { user_id: "u2", username: "Zed" },
      { user_id: "u3", username: "carol" }
    ]
    assert.deepStrictEqual(ids(Keyset.step(byUsername, at("bob"), page, 100, false)), ["u1", "u2", "u3"])
  })

  it("a user with several identities, matched by a connection other than the one it sorts by, is left out", () => {
    const page = [
      // Sorted (and so delivered earlier) by "apple"; matched here by "github".
      { user_id: "u1", identities: [{ connection: "apple" }, { connection: "github" }] },
      { user_id: "u2", identities: [{ connection: "github" }] }
    ]
    assert.deepStrictEqual(ids(Keyset.step(byConnection, at("github"), page, 100, false)), ["u2"])
  })
})
