/**
 * The fake tenant on a real loopback socket (node:http), for the demo,
 * benchmarks and tests of real HTTP clients. Faults that only a socket can
 * show (a reset connection, a body cut off mid-way) happen here for real.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import type { FakeRequest, FakeResponse } from "./router.js"

const MAX_BODY = 1024 * 1024

export interface Listening {
  readonly url: string
  readonly close: () => Promise<void>
}

export const listen = (
  handle: (request: FakeRequest) => FakeResponse,
  options: { readonly port?: number | undefined; readonly host?: string | undefined }
): Promise<Listening> =>
  new Promise((resolve, reject) => {
    const server = Http.createServer((req, res) => {
      const chunks: Array<Buffer> = []
      let size = 0
      let tooLarge = false
      req.on("data", (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_BODY) tooLarge = true
        else chunks.push(chunk)
      })
      req.on("error", () => res.destroy())
      req.on("end", () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
        }
        const body = tooLarge
          ? "x".repeat(MAX_BODY + 1)
          : chunks.length === 0
            ? undefined
            : Buffer.concat(chunks).toString("utf8")
        const answer = handle({ method: req.method ?? "GET", url: req.url ?? "/", headers, body })
        const send = () => write(res, answer)
        if (answer.delayMillis !== undefined && answer.delayMillis > 0) setTimeout(send, answer.delayMillis)
        else send()
      })
    })
    server.keepAliveTimeout = 5_000
    server.on("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      const address = server.address() as AddressInfo
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address
      resolve({
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })

const write = (res: Http.ServerResponse, answer: FakeResponse) => {
  if (res.destroyed) return
  if (answer.fault === "reset") {
    res.socket?.destroy()
    return
  }
  const body =
    answer.bytes !== undefined
      ? Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength)
      : Buffer.from(answer.fault === "malformed" ? spoil(answer.body) : answer.body, "utf8")
  res.writeHead(answer.status, { ...answer.headers, "content-length": String(body.length) })
  if (answer.fault === "truncate" && body.length > 1) {
    // Promise the whole body, send half, hang up: the client sees a body cut off mid-way.
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy())
    return
  }
  res.end(answer.status === 204 ? undefined : body)
}

/** Half of the body and no closing brace: JSON no parser accepts. */
export const spoil = (body: string): string => (body.length < 2 ? "{" : body.slice(0, Math.ceil(body.length / 2)))
