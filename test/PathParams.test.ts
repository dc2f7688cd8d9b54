import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Schema } from "effect"
import { Auth0Http } from "../src/index.js"
import * as Endpoints from "../src/internal/endpoints.js"
import { credentials, json, scriptedTenant } from "./utils.js"

/** `true` only when `A` and `B` are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

describe("path parameters typed from the template", () => {
  it("the names come from the template's {segments}", () => {
    const unlink: Equals<
      Endpoints.PathParamNames<typeof Endpoints.users.unlink.path>,
      "id" | "provider" | "user_id"
    > = true
    const list: Equals<Endpoints.PathParamNames<typeof Endpoints.users.list.path>, never> = true
    const wide: Equals<Endpoints.PathParams<string>, Readonly<Record<string, string>>> = true
    assert.isTrue(unlink && list && wide)
  })

  it.effect("a missing or misspelled parameter does not compile", () =>
    Effect.gen(function* () {
      const http = yield* Auth0Http.Auth0Http
      const compileOnly = () => [
        // @ts-expect-error `ID` is not `{id}`: this would send the list URL
        http.request(Endpoints.users.get, { params: { ID: "auth0|1" } }, Schema.Unknown),
        // @ts-expect-error `{provider}` and `{user_id}` are missing
        http.request(Endpoints.users.unlink, { params: { id: "auth0|1" } }, Schema.Unknown),
        // @ts-expect-error an endpoint with segments needs its params
        http.request(Endpoints.users.get, {}, Schema.Unknown),
        // @ts-expect-error `/users` has no segments to fill
        http.request(Endpoints.users.list, { params: { id: "auth0|1" } }, Schema.Unknown),
        http.request(
          Endpoints.users.unlink,
          { params: { id: "auth0|1", provider: "github", user_id: "7" } },
          Schema.Unknown
        )
      ]
      assert.strictEqual(typeof compileOnly, "function")
    }).pipe(Effect.provide(Layer.orDie(credentials(scriptedTenant().layer))))
  )

  it.effect("a caller without the types is stopped before sending: a missing segment is not filled with ''", () =>
    Effect.gen(function* () {
      const tenant = scriptedTenant({ api: () => json({ users: [] }) })
      const exit = yield* Effect.exit(
        Effect.flatMap(Auth0Http.Auth0Http, (http) =>
          http.request(
            Endpoints.users.get,
            { params: { ID: "auth0|1" } } as unknown as { params: { id: string } },
            Schema.Unknown
          )
        ).pipe(Effect.provide(Layer.orDie(credentials(tenant.layer))))
      )
      assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause), "a programmer error dies")
      if (Exit.isFailure(exit)) assert.include(Cause.pretty(exit.cause), "no value for {id} in /users/{id}")
      assert.deepStrictEqual(
        tenant.log.map((seen) => seen.url.pathname),
        [],
        "nothing reached the tenant, least of all GET /api/v2/users/"
      )
    })
  )
})
