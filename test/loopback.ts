import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** What a loopback server saw of one request, body included (read to the end before `handle` runs). */
export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

export interface Loopback {
  /** `http://127.0.0.1:{port}` */
  readonly origin: string
  readonly received: Array<Received>
}

/**
 * A `node:http` server on a free loopback port for the test's scope; every
 * request is recorded in `received`, then answered by `handle`. Closing the
 * scope drops open connections too, so keep-alive sockets do not hold it.
 */
export const loopback = (
  handle: (request: Received, response: http.ServerResponse) => void
): Effect.Effect<Loopback, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: http.Server; readonly loopback: Loopback }>((resume) => {
      const received: Array<Received> = []
      const server = http.createServer((req, res) => {
        const parts: Array<Buffer> = []
        req.on("data", (part: Buffer) => parts.push(part))
        req.on("end", () => {
          const seen = {
            method: req.method ?? "",
            url: req.url ?? "",
            headers: req.headers,
            body: Buffer.concat(parts).toString("utf8")
          }
          received.push(seen)
          handle(seen, res)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ server, loopback: { origin: `http://127.0.0.1:${port}`, received } }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ loopback }) => loopback))
