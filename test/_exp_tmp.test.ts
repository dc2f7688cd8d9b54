import { it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { Auth0Http, Users } from "../src/index.js"
import { fakeHttp, json, type Seen } from "./utils.js"

it.effect("exp", () => {
  const log: Array<Seen> = []
  const layer = Auth0Http.layer({ domain: "go-auth0-dev.eu.auth0.com", token: Redacted.make("tok"), retry: false }).pipe(
    Layer.provide(fakeHttp(() => json({ start: 0, limit: 50, length: 0, users: [] }), log))
  )
  return Effect.gen(function* () {
    yield* Users.list({ q: 'email:"a b@x.com" & +', fields: ["a", "b"] })
    yield* Effect.exit(Users.get("a/../b"))
    yield* Effect.exit(Users.create("c", { password: Redacted.make("pw") }))
    for (const s of log) console.log(s.method, s.url.href, s.url.search, s.url.pathname, JSON.stringify(s.headers), s.body)
  }).pipe(Effect.provide(layer))
})
