/**
 * A `multipart/form-data` body written here, not by the `HttpClient`: the
 * bytes are then the same through fetch, Node's http, undici, Bun or Deno
 * (undici's own client cannot send the `FormData` of Node's built-in fetch,
 * a different class), and they are the layout Auth0's SDKs send, part by part
 * in the body's property order: text fields, and each `Blob` a file (a `File`
 * under its own name, else the field's), with its content type.
 *
 * A body is one buffer. When its last part is a file made by `framed` (the
 * import's users files), the parts around it are written into the room left
 * around its bytes, and the body is a view of that buffer: no copy, and no
 * `ArrayBuffer` made per request. With a copy of each file and a body made
 * per request, an import of 100,000 users (66 files) held 63 MB of
 * `ArrayBuffer`s at its peak (BENCHMARKS.md, section 7).
 */
import * as Effect from "effect/Effect"
import * as Endpoint from "../Endpoint.js"

const utf8 = new TextEncoder()

/** HTML's rule for a name in a `Content-Disposition` header: the quote and line breaks percent-encoded. */
const quoted = (name: string): string => name.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22")

/** 24 random bytes in hex: always 48 characters, so that the room a body needs is known before it is made. */
const boundary = (): string => {
  const bytes = new Uint8Array(24)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
}

export interface Encoded {
  readonly contentType: string
  readonly bytes: Uint8Array
}

/** Marks a file part whose bytes' whole `ArrayBuffer` is the encoder's to write in, around them. */
const ROOM = Symbol.for("effect-auth0/multipart/room")

const isFilePart = (u: unknown): u is Endpoint.FilePart =>
  typeof u === "object" && u !== null && (u as { readonly _tag?: unknown })._tag === "FilePart"

const hasRoom = (part: Endpoint.FilePart): boolean => (part as { readonly [ROOM]?: true })[ROOM] === true

/**
 * A file part of `buffer`'s bytes from `start` to `end`, and the rest of `buffer` free for the body's other
 * parts to be written into (`roomFor` says how much each side needs). The buffer must not be used for
 * anything else until the request is answered.
 */
export const framed = (
  buffer: Uint8Array<ArrayBuffer>,
  start: number,
  end: number,
  options: { readonly filename: string; readonly type: string }
): Endpoint.FilePart => Object.assign(Endpoint.file(buffer.subarray(start, end), options), { [ROOM]: true as const })

/** The body's parts in order, a file's content as is (a `Blob` is read later). */
const layout = (body: Readonly<Record<string, unknown>>, mark: string): Array<string | Uint8Array | Blob> => {
  const parts: Array<string | Uint8Array | Blob> = []
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue
    if (value instanceof Blob || isFilePart(value)) {
      const filename = isFilePart(value) ? value.filename : value instanceof File ? value.name : name
      const type = value.type === "" ? "application/octet-stream" : value.type
      parts.push(
        `--${mark}\r\nContent-Disposition: form-data; name="${quoted(name)}"; filename="${quoted(filename)}"\r\nContent-Type: ${type}\r\n\r\n`,
        isFilePart(value) ? value.bytes : value,
        "\r\n"
      )
    } else {
      parts.push(`--${mark}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${String(value)}\r\n`)
    }
  }
  parts.push(`--${mark}--\r\n`)
  return parts
}

const byteLength = (parts: ReadonlyArray<Uint8Array>): number => parts.reduce((n, part) => n + part.length, 0)

const writeAll = (into: Uint8Array, parts: ReadonlyArray<Uint8Array>, at: number): void => {
  for (const part of parts) {
    into.set(part, at)
    at += part.length
  }
}

/**
 * The bytes a body needs before its last part's content (`head`) and after it (`tail`), whatever its
 * boundary: the room to leave around a `framed` file. `body`'s last defined property must be a file.
 */
export const roomFor = (body: Readonly<Record<string, unknown>>): { readonly head: number; readonly tail: number } => {
  const parts = layout(body, "0".repeat(48))
  const last = parts.length - 3
  const size = (from: number, to: number) =>
    parts
      .slice(from, to)
      .reduce<number>(
        (n, part) =>
          n + (typeof part === "string" ? utf8.encode(part).length : part instanceof Blob ? part.size : part.length),
        0
      )
  return { head: size(0, last), tail: size(last + 1, parts.length) }
}

/**
 * The form of `body`'s defined properties, in one buffer: a `framed` last file's own, with the other parts
 * written around it, else a new one, each file's bytes copied into it once. A `Blob`'s bytes are read
 * first, so this is an effect.
 */
export const encode = (body: Readonly<Record<string, unknown>>): Effect.Effect<Encoded> =>
  Effect.gen(function* () {
    const mark = boundary()
    const contentType = `multipart/form-data; boundary=${mark}`
    const laid = layout(body, mark)
    const parts: Array<Uint8Array> = []
    for (const part of laid) {
      parts.push(
        typeof part === "string"
          ? utf8.encode(part)
          : part instanceof Blob
            ? new Uint8Array(yield* Effect.promise(() => part.arrayBuffer()))
            : part
      )
    }
    const values = Object.values(body).filter((value) => value !== undefined)
    const last = values[values.length - 1]
    if (isFilePart(last) && hasRoom(last)) {
      const at = parts.length - 3
      const head = parts.slice(0, at)
      const tail = parts.slice(at + 1)
      const file = last.bytes
      const start = file.byteOffset - byteLength(head)
      const end = file.byteOffset + file.length + byteLength(tail)
      if (start >= 0 && end <= file.buffer.byteLength) {
        const whole = new Uint8Array(file.buffer)
        writeAll(whole, head, start)
        writeAll(whole, tail, file.byteOffset + file.length)
        return { contentType, bytes: whole.subarray(start, end) }
      }
    }
    const bytes = new Uint8Array(byteLength(parts))
    writeAll(bytes, parts, 0)
    return { contentType, bytes }
  })
