/**
 * The users files of an import: each user written to JSON once, its bytes
 * counted, and gathered into files of at most `limit` bytes (a JSON array),
 * each user in exactly one, in order.
 *
 * Memory is what decides the shape. A user's JSON goes straight into a
 * buffer, after room left for the multipart parts before the file and before
 * its end for those after it, so that the request body is that same buffer
 * (`Multipart.framed`): no file is ever a JS string (a 500 KB string goes to
 * V8's old space, which only a full GC frees), and no file or body is a new
 * `ArrayBuffer` (V8 frees those late too; `fetch` still copies a body it is
 * given, Node's http and undici send it as is). A file's buffer is given back
 * when its job is created and a later file is gathered into it, so an import
 * of any size uses as many buffers as files are out at once: the jobs', the
 * one being gathered, and those made from one pulled chunk of users
 * (BENCHMARKS.md, section 7).
 */
import type * as Endpoint from "../Endpoint.js"
import type { ImportUser } from "../schema/ImportUser.js"
import * as Multipart from "./multipart.js"

/** One users file: the `users.json` part, and the names of its users. */
export interface UsersFile {
  readonly _tag: "File"
  /** `undefined` once released. */
  readonly content: Endpoint.FilePart | undefined
  readonly users: ReadonlyArray<string>
  /**
   * Once its job is created (a job can run for minutes, its file is not needed), its buffer goes back to be
   * the next file's. The bytes must then not be read again.
   */
  readonly release: () => void
}

/** A user that fits in no file (or is no JSON); the files end before it. */
export interface Unfit {
  readonly _tag: "Unfit"
  readonly status: "too_large" | "invalid"
  readonly name: string
  readonly detail: string
}

/** Bytes of `s` in UTF-8, without encoding it (JSON.stringify leaves no lone surrogate). */
const utf8Bytes = (s: string): number => {
  let bytes = s.length
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i)
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1
  }
  return bytes
}

const NAMING = ["email", "user_id", "username", "phone_number"] as const

/** How a user is named in a summary or an error: never by its password hash or metadata. */
export const nameOf = (user: Readonly<Record<string, unknown>>, index: number): string => {
  for (const key of NAMING) {
    const value = user[key]
    if (typeof value === "string" && value !== "") return value
  }
  return `#${index + 1}`
}

/** Of a user Auth0 echoes back, the fields that name it, nothing else. */
export const identifying = (user: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const named: Record<string, unknown> = {}
  for (const key of NAMING) if (typeof user[key] === "string") named[key] = user[key]
  return named
}

interface Encoded {
  readonly _tag: "Encoded"
  readonly json: string
  readonly bytes: number
  readonly name: string
}

/** One user as JSON, with its size and name; or why it fits in no file. */
export const encode = (user: ImportUser, index: number, limit: number): Unfit | Encoded => {
  const name = nameOf(user as Readonly<Record<string, unknown>>, index)
  let json: string
  try {
    json = JSON.stringify(user)
  } catch {
    return { _tag: "Unfit", status: "invalid", name, detail: `user ${index + 1} cannot be written as JSON` }
  }
  const bytes = utf8Bytes(json)
  return bytes + 2 > limit
    ? {
        _tag: "Unfit",
        status: "too_large",
        name,
        detail: `user ${index + 1} is ${bytes} bytes as JSON; a file holds at most ${limit} (maxFileBytes, less the form's other parts)`
      }
    : { _tag: "Encoded", json, bytes, name }
}

const OPEN = 0x5b
const COMMA = 0x2c
const CLOSE = 0x5d
const utf8 = new TextEncoder()

/** The users file's part: its name and type are Auth0's (and what its SDKs send). */
export const FILE = { filename: "users.json", type: "application/json" } as const

/**
 * Users in, full files out: `add` a user at a time, `flush` what is left at the end. Each file sits in its
 * buffer after `room.head` bytes and before `room.tail` more, for the multipart body to be written around it.
 * A released file's buffer is kept for a later one, however many were out at once: there are never more
 * than the files made from one pulled chunk of users, the jobs' files and the one being gathered.
 */
export class Gatherer {
  /** Made when the first user of a file comes, so that the end of the users makes none. */
  private buffer: Uint8Array<ArrayBuffer> | undefined
  private readonly spare: Array<Uint8Array<ArrayBuffer>> = []
  private used = 0
  private names: Array<string> = []
  private index = 0

  constructor(
    readonly limit: number,
    private readonly room: { readonly head: number; readonly tail: number }
  ) {}

  /** Add the next user; the file it filled up, if it did, and an `Unfit` user as is. */
  add(user: ImportUser): UsersFile | Unfit | undefined {
    const encoded = encode(user, this.index++, this.limit)
    if (encoded._tag === "Unfit") return encoded
    // `[` or `,` before it, and room for the closing `]`.
    const full = this.used + 1 + encoded.bytes + 1 > this.limit ? this.flush() : undefined
    const buffer = (this.buffer ??= this.spare.pop() ?? new Uint8Array(this.room.head + this.limit + this.room.tail))
    const at = this.room.head + this.used
    buffer[at] = this.used === 0 ? OPEN : COMMA
    this.used += 1 + utf8.encodeInto(encoded.json, buffer.subarray(at + 1)).written
    this.names.push(encoded.name)
    return full
  }

  /** The file gathered so far, if any user is in it. */
  flush(): UsersFile | undefined {
    // A buffer is taken with a file's first user, so without one the file is empty.
    const buffer = this.buffer
    if (buffer === undefined) return undefined
    buffer[this.room.head + this.used++] = CLOSE
    let content: Endpoint.FilePart | undefined = Multipart.framed(
      buffer,
      this.room.head,
      this.room.head + this.used,
      FILE
    )
    const file: UsersFile = {
      _tag: "File",
      get content() {
        return content
      },
      users: this.names,
      release: () => {
        if (content === undefined) return
        content = undefined
        this.spare.push(buffer)
      }
    }
    this.buffer = undefined
    this.used = 0
    this.names = []
    return file
  }
}
