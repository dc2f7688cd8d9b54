/**
 * The users files of an import: each user written to JSON once, its bytes
 * counted, and gathered into files of at most `limit` bytes (a JSON array),
 * each user in exactly one, in order.
 *
 * Memory is what decides the shape. A user's JSON goes straight into one
 * reused buffer of `limit` bytes, and a full file leaves as a copy of its
 * bytes (an `ArrayBuffer`, off the JS heap): no file is ever a JS string. A 500 KB string is
 * allocated in V8's old space, which only a full GC frees, and 66 of them for
 * 100,000 users were most of a 131 MB RSS growth (BENCHMARKS.md, section 7).
 */
import * as Endpoint from "../Endpoint.js"
import type { ImportUser } from "../schema/ImportUser.js"

/** One users file: the `users.json` part, and the names of its users. */
export interface UsersFile {
  readonly _tag: "File"
  /** Let go (`undefined`) once its job is created: a job can run for minutes, its file is not needed. */
  content: Endpoint.FilePart | undefined
  readonly users: ReadonlyArray<string>
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
        detail: `user ${index + 1} is ${bytes} bytes as JSON; a file holds at most ${limit} (maxFileBytes)`
      }
    : { _tag: "Encoded", json, bytes, name }
}

const OPEN = 0x5b
const COMMA = 0x2c
const CLOSE = 0x5d
const utf8 = new TextEncoder()

/** Users in, full files out: `add` a user at a time, `flush` what is left at the end. */
export class Gatherer {
  private readonly buffer: Uint8Array<ArrayBuffer>
  private used = 0
  private names: Array<string> = []
  private index = 0

  constructor(private readonly limit: number) {
    this.buffer = new Uint8Array(limit)
  }

  /** Add the next user; the file it filled up, if it did, and an `Unfit` user as is. */
  add(user: ImportUser): UsersFile | Unfit | undefined {
    const encoded = encode(user, this.index++, this.limit)
    if (encoded._tag === "Unfit") return encoded
    // `[` or `,` before it, and room for the closing `]`.
    const full = this.used + 1 + encoded.bytes + 1 > this.limit ? this.flush() : undefined
    this.buffer[this.used] = this.used === 0 ? OPEN : COMMA
    this.used++
    this.used += utf8.encodeInto(encoded.json, this.buffer.subarray(this.used)).written
    this.names.push(encoded.name)
    return full
  }

  /** The file gathered so far, if any user is in it. */
  flush(): UsersFile | undefined {
    if (this.names.length === 0) return undefined
    this.buffer[this.used++] = CLOSE
    const file: UsersFile = {
      _tag: "File",
      // A copy the size of the file, as an ArrayBuffer: the garbage collector counts it (a Blob's memory it does not).
      content: Endpoint.file(this.buffer.slice(0, this.used), { filename: "users.json", type: "application/json" }),
      users: this.names
    }
    this.used = 0
    this.names = []
    return file
  }
}
