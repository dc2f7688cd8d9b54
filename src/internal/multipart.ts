/**
 * A `multipart/form-data` body written here, not by the `HttpClient`: the
 * bytes are then the same through fetch, Node's http, undici, Bun or Deno
 * (undici's own client cannot send the `FormData` of Node's built-in fetch,
 * a different class), and they are the layout Auth0's SDKs send, part by part
 * in the body's property order: text fields, and each `Blob` a file (a `File`
 * under its own name, else the field's), with its content type.
 */
import * as Effect from "effect/Effect"
import type { FilePart } from "../Endpoint.js"

const utf8 = new TextEncoder()

/** HTML's rule for a name in a `Content-Disposition` header: the quote and line breaks percent-encoded. */
const quoted = (name: string): string => name.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22")

const boundary = (): string => {
  const bytes = new Uint8Array(24)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
}

export interface Encoded {
  readonly contentType: string
  readonly bytes: Uint8Array
}

/** The form of `body`'s defined properties. A file's bytes are read, so this is an effect. */
const isFilePart = (u: unknown): u is FilePart =>
  typeof u === "object" && u !== null && (u as { readonly _tag?: unknown })._tag === "FilePart"

/**
 * The form of `body`'s defined properties, in one buffer: each file's bytes are copied once, into it. A
 * `Blob`'s bytes are read first, so this is an effect.
 */
export const encode = (body: Readonly<Record<string, unknown>>): Effect.Effect<Encoded> =>
  Effect.gen(function* () {
    const mark = boundary()
    const parts: Array<string | Uint8Array> = []
    for (const [name, value] of Object.entries(body)) {
      if (value === undefined) continue
      if (value instanceof Blob || isFilePart(value)) {
        const filename = isFilePart(value) ? value.filename : value instanceof File ? value.name : name
        const type = value.type === "" ? "application/octet-stream" : value.type
        const bytes = isFilePart(value) ? value.bytes : new Uint8Array(yield* Effect.promise(() => value.arrayBuffer()))
        parts.push(
          `--${mark}\r\nContent-Disposition: form-data; name="${quoted(name)}"; filename="${quoted(filename)}"\r\nContent-Type: ${type}\r\n\r\n`,
          bytes,
          "\r\n"
        )
      } else {
        parts.push(`--${mark}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${String(value)}\r\n`)
      }
    }
    parts.push(`--${mark}--\r\n`)
    const encoded = parts.map((part) => (typeof part === "string" ? utf8.encode(part) : part))
    const bytes = new Uint8Array(encoded.reduce((n, part) => n + part.length, 0))
    let at = 0
    for (const part of encoded) {
      bytes.set(part, at)
      at += part.length
    }
    return { contentType: `multipart/form-data; boundary=${mark}`, bytes }
  })
