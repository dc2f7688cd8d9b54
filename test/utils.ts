import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** What the fake saw of one request. */
export interface Seen {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

export type Handler = (seen: Seen) => Response | Effect.Effect<Response>

const bodyText = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : String(body.body)
    case "Empty":
      return undefined
    default:
      return `<${body._tag}>`
  }
}

/** A fake `HttpClient`: no sockets; records every request in `log` and answers with `handler`. */
export const fakeHttp = (handler: Handler, log: Array<Seen> = []): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) => {
      const seen: Seen = { method: request.method, url, headers: request.headers, body: bodyText(request) }
      log.push(seen)
      const out = handler(seen)
      return Effect.map(Effect.isEffect(out) ? out : Effect.succeed(out), (response) =>
        HttpClientResponse.fromWeb(request, response)
      )
    })
  )

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers }
  })

export const empty = (status = 204): Response => new Response(null, { status })
