/**
 * A `multipart/form-data` body written here, not by the `HttpClient`: the
 * bytes are then the same through fetch, Node's http, undici, Bun or Deno
 * (undici's own client cannot send the `FormData` of Node's built-in fetch,
 * a different class), and they are the layout Auth0's SDKs send, part by part
 * in the body's property order: text fields, and each `Blob` a file (a `File`
 * under its own name, else the field's), with its content type.
 */
import * as Effect from "effect/Effect"

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
export const encode = (body: Readonly<Record<string, unknown>>): Effect.Effect<Encoded> =>
  Effect.promise(async () => {
    const mark = boundary()
    // A Blob of the parts, read out once: the files' bytes are copied once, into the body.
    const parts: Array<string | Blob> = []
    for (const [name, value] of Object.entries(body)) {
      if (value === undefined) continue
      if (value instanceof Blob) {
        const filename = value instanceof File ? value.name : name
        const type = value.type === "" ? "application/octet-stream" : value.type
        parts.push(
          `--${mark}\r\nContent-Disposition: form-data; name="${quoted(name)}"; filename="${quoted(filename)}"\r\nContent-Type: ${type}\r\n\r\n`,
          value,
          "\r\n"
        )
      } else {
        parts.push(`--${mark}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${String(value)}\r\n`)
      }
    }
    parts.push(`--${mark}--\r\n`)
    const bytes = new Uint8Array(await new Blob(parts).arrayBuffer())
    return { contentType: `multipart/form-data; boundary=${mark}`, bytes }
  })
