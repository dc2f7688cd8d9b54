import { assert, describe, it } from "@effect/vitest"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, Redacted, Stream } from "effect"
import * as undici from "undici"
import { Auth0Error, Auth0Http, Users } from "../src/index.js"
import { loopback, type Loopback } from "./loopback.js"
import { DOMAIN } from "./utils.js"

// Auth0 never redirects, so a 3xx comes from something in between. Each client below is pointed
// at a server that answers every request with a redirect to a second server; that second server
// records whatever reaches it and answers like Auth0 would, so a followed redirect would either
// leak the token / secret / password or hand back its body as a user.

const SECRET = "SECRET-redirect-77"
const TOKEN = "TOKEN-redirect-88"
const PASSWORD = "PASSWORD-redirect-99"

const user = JSON.stringify({ user_id: "auth0|stolen", email: "evil@example.com" })
const token = JSON.stringify({ access_token: "TOKEN-from-elsewhere", expires_in: 86400, token_type: "Bearer" })

/** The second server: answers anything as a user or a token, and records it. */
const elsewhere = loopback((request, response) => {
  response.writeHead(200, { "content-type": "application/json" })
  response.end(request.url.endsWith("/oauth/token") ? token : user)
})

/** The first server: redirects every request, to the same path on `target`. */
const redirecting = (status: number, target: Loopback) =>
  loopback((request, response) => {
    response.writeHead(status, { location: `${target.origin}${request.url}`, "content-type": "text/plain" })
    response.end("moved")
  })

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient (global fetch)", FetchHttpClient.layer],
  [
    "FetchHttpClient (the undici package's fetch)",
    FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, undici.fetch as typeof fetch)))
  ],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["NodeHttpClient.layer (node:http)", NodeHttpClient.layer],
  [
    "NodeHttpClient.layerUndici over a dispatcher with undici's redirect interceptor",
    NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
      Layer.provide(
        Layer.scoped(
          NodeHttpClient.Dispatcher,
          Effect.acquireRelease(
            Effect.sync(() => new undici.Agent().compose(undici.interceptors.redirect({ maxRedirections: 5 }))),
            (dispatcher) => Effect.promise(() => dispatcher.close())
          )
        )
      )
    )
  ]
]

const staticToken = (origin: string, client: Layer.Layer<HttpClient.HttpClient>) =>
  Auth0Http.layer({ domain: DOMAIN, baseUrl: origin, token: Redacted.make(TOKEN) }).pipe(
    Layer.provide(client),
    Layer.orDie // valid options: the layer cannot fail
  )

const clientCredentials = (origin: string, client: Layer.Layer<HttpClient.HttpClient>) =>
  Auth0Http.layer({ domain: DOMAIN, baseUrl: origin, clientId: "cid", clientSecret: Redacted.make(SECRET) }).pipe(
    Layer.provide(client),
    Layer.orDie
  )

interface Case {
  readonly name: string
  readonly path: string
  readonly run: (
    origin: string,
    client: Layer.Layer<HttpClient.HttpClient>
  ) => Effect.Effect<unknown, Auth0Error.Auth0Error>
}

const requests: ReadonlyArray<Case> = [
  {
    name: "GET /users/{id}",
    path: "/api/v2/users/auth0%7C1",
    run: (origin: string, client: Layer.Layer<HttpClient.HttpClient>) =>
      Users.get("auth0|1").pipe(Effect.provide(staticToken(origin, client)))
  },
  {
    name: "POST /users with a password",
    path: "/api/v2/users",
    run: (origin: string, client: Layer.Layer<HttpClient.HttpClient>) =>
      Users.create("Username-Password-Authentication", { email: "a@example.com", password: PASSWORD }).pipe(
        Effect.provide(staticToken(origin, client))
      )
  },
  {
    name: "the client-credentials token request",
    path: "/oauth/token",
    run: (origin: string, client: Layer.Layer<HttpClient.HttpClient>) =>
      Users.get("auth0|1").pipe(Effect.provide(clientCredentials(origin, client)))
  }
]

describe("Redirects are never followed", () => {
  for (const [clientName, client] of clients) {
    describe(clientName, () => {
      for (const request of requests) {
        it.scopedLive(`${request.name}: 301, 302, 307 and 308 are UnexpectedStatus; nothing reaches the Location`, () =>
          Effect.gen(function* () {
            const target = yield* elsewhere
            for (const status of [301, 302, 307, 308]) {
              const origin = yield* redirecting(status, target)
              const error = yield* Effect.flip(request.run(origin.origin, client))
              assert.strictEqual(target.received.length, 0, `${status}: the Location was sent a request`)
              assert.instanceOf(error, Auth0Error.UnexpectedStatus, `${status}: ${error.message}`)
              if (error._tag !== "UnexpectedStatus") return
              assert.strictEqual(error.status, status)
              assert.strictEqual(error.method, request.name.startsWith("GET") ? "GET" : "POST")
              assert.strictEqual(error.path, request.path)
              assert.include(error.message, `answered ${status}`)
              assert.include(error.message, "redirect, not followed")
              // Not retried, under the default retry policy.
              assert.strictEqual(origin.received.length, 1)
              for (const needle of [SECRET, TOKEN, PASSWORD, target.origin]) {
                assert.notInclude(error.message, needle)
                assert.notInclude(JSON.stringify(error), needle)
              }
            }
          })
        )
      }
    })
  }

  it.scopedLive("a FetchHttpClient.RequestInit of the caller is kept, with redirect switched to manual", () =>
    Effect.gen(function* () {
      const target = yield* elsewhere
      const origin = yield* redirecting(307, target)
      const error = yield* Users.get("auth0|1").pipe(
        Effect.provide(staticToken(origin.origin, FetchHttpClient.layer)),
        Effect.provideService(FetchHttpClient.RequestInit, {
          redirect: "follow",
          headers: { "x-caller": "kept" }
        }),
        Effect.flip
      )
      assert.strictEqual(error._tag, "UnexpectedStatus")
      assert.strictEqual(target.received.length, 0)
      assert.strictEqual(origin.received[0]?.headers["x-caller"], "kept")
    })
  )

  it.effect("a browser's opaque redirect (status 0) is UnexpectedStatus too, for the API and the token", () =>
    Effect.gen(function* () {
      const inits: Array<RequestInit | undefined> = []
      // What a browser's fetch does with `redirect: "manual"`: an opaque answer with status 0.
      const browserFetch = (_url: string | URL | Request, init?: RequestInit) => {
        inits.push(init)
        return Promise.resolve(init?.redirect === "manual" ? Response.error() : new Response(user, { status: 200 }))
      }
      const client = FetchHttpClient.layer.pipe(
        Layer.provide(Layer.succeed(FetchHttpClient.Fetch, browserFetch as typeof fetch))
      )
      const api = yield* Effect.flip(Users.get("auth0|1").pipe(Effect.provide(staticToken("https://x.test", client))))
      assert.strictEqual(api._tag, "UnexpectedStatus")
      if (api._tag !== "UnexpectedStatus") return
      assert.strictEqual(api.status, 0)
      assert.include(api.message, "opaque redirect, not followed")
      const tokenError = yield* Effect.flip(
        Users.get("auth0|1").pipe(Effect.provide(clientCredentials("https://x.test", client)))
      )
      assert.strictEqual(tokenError._tag, "UnexpectedStatus")
      assert.strictEqual(tokenError.path, "/oauth/token")
      assert.deepStrictEqual(
        inits.map((init) => init?.redirect),
        ["manual", "manual"]
      )
    })
  )

  it.scopedLive("the export download does not follow a redirect either", () =>
    Effect.gen(function* () {
      const target = yield* elsewhere
      const origin = yield* redirecting(307, target)
      const error = yield* Effect.gen(function* () {
        const http = yield* Auth0Http.Auth0Http
        return yield* Stream.runDrain(http.download(`${origin.origin}/exports/file.json.gz?X-Amz-Signature=abc`))
      }).pipe(Effect.provide(staticToken(origin.origin, FetchHttpClient.layer)), Effect.flip)
      assert.strictEqual(error._tag, "UnexpectedStatus")
      if (error._tag !== "UnexpectedStatus") return
      assert.strictEqual(error.status, 307)
      assert.strictEqual(error.path, "/exports/file.json.gz")
      assert.strictEqual(target.received.length, 0)
      assert.strictEqual(origin.received.length, 1)
    })
  )
})
