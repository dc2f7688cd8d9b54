/**
 * The fake tenant's user export jobs: `POST /jobs/users-exports` validates the
 * body as Auth0 does and queues a job; `GET /jobs/{id}` answers `pending`
 * (then `processing`) for the first polls and then `completed` with a signed
 * `location`, or `failed` when told to. The file is the tenant as it is when
 * the job completes, projected to the requested fields, NDJSON (or CSV),
 * gzip-compressed once and kept; it is served, without authentication, at
 * `/__exports/{id}.json.gz` on the fake itself, the way Auth0 hands out a
 * signed S3 URL.
 *
 * Synchronous like the rest of the router. node:zlib is fine here: the fake
 * runs on Node only.
 */
import * as Zlib from "node:zlib"
import type { FakeRequest, FakeResponse } from "./router.js"
import { type Connection, invalid, Refusal, type Store, type UserRecord } from "./store.js"

export interface ExportJobOptions {
  /** How many `GET /jobs/{id}` answers say a job is not done yet (`pending`, then `processing`) before it completes. Default 1. */
  readonly exportPolls?: number | undefined
  /** Export jobs end `failed` (with `status_details`) instead of `completed`. Default false. */
  readonly exportFails?: boolean | undefined
}

/** Where export files are served; outside `/api/v2`, so no token is asked for. */
export const FILES_PREFIX = "/__exports/"

/** Auth0: "The download link is valid for 60 seconds." */
const LINK_SECONDS = 60
/** Auth0 keeps jobs 24 hours. */
const JOB_MILLIS = 24 * 60 * 60 * 1000
const CONNECTION_ID = /^con_[A-Za-z0-9]{16}$/
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
/** Compress this much text at a time: memory stays at one batch plus the compressed file. */
const BATCH_CHARS = 256 * 1024
/** The columns of a CSV export without `fields`. */
const DEFAULT_CSV_FIELDS: ReadonlyArray<ExportField> = [
  "user_id",
  "email",
  "email_verified",
  "name",
  "nickname",
  "given_name",
  "family_name",
  "username",
  "phone_number",
  "picture",
  "created_at",
  "updated_at",
  "last_login",
  "logins_count",
  "blocked"
].map((name) => ({ name }))

interface ExportField {
  readonly name: string
  readonly export_as?: string
}

type Format = "json" | "csv"

interface Job {
  readonly id: string
  readonly createdAt: string
  readonly createdMillis: number
  readonly connection: Connection | undefined
  readonly format: Format
  readonly limit: number | undefined
  readonly fields: ReadonlyArray<ExportField> | undefined
  /** Part of the signed URL; a URL for another job or with another signature is refused. */
  readonly signature: string
  polls: number
  status: "pending" | "processing" | "completed" | "failed"
  file: Uint8Array<ArrayBuffer> | undefined
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const typeName = (u: unknown) => (u === null ? "null" : Array.isArray(u) ? "array" : typeof u)

const readField = (u: unknown, index: number): ExportField => {
  if (!isObject(u)) throw invalid(`Expected type object but found type ${typeName(u)}' on property fields[${index}] ('`)
  for (const key of Object.keys(u)) {
    if (key !== "name" && key !== "export_as") throw invalid(`Additional properties not allowed: ${key}`)
  }
  if (u.name === undefined) throw invalid(`Missing required property: name`)
  if (typeof u.name !== "string")
    throw invalid(`Expected type string but found type ${typeName(u.name)}' on property fields[${index}].name ('`)
  if (u.name.length < 1) throw invalid(`String is too short (0 chars), minimum 1' on property fields[${index}].name ('`)
  if (u.export_as === undefined) return { name: u.name }
  if (typeof u.export_as !== "string")
    throw invalid(
      `Expected type string but found type ${typeName(u.export_as)}' on property fields[${index}].export_as ('`
    )
  if (u.export_as.length < 1)
    throw invalid(`String is too short (0 chars), minimum 1' on property fields[${index}].export_as ('`)
  return { name: u.name, export_as: u.export_as }
}

/** `user_metadata.plan` and `identities[0].connection` as path segments. */
const segments = (name: string): ReadonlyArray<string> => name.replace(/\[(\d+)\]/g, ".$1").split(".")

/** The value at a path; own properties only, so `__proto__` or `constructor` find nothing. */
const valueAt = (root: unknown, path: ReadonlyArray<string>): unknown => {
  let current = root
  for (const segment of path) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined
      current = current[Number(segment)]
    } else if (isObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment]
    } else {
      return undefined
    }
  }
  return current
}

/** The exported entries of one user: `[export_as ?? name, value]`, absent values left out. */
const project = (
  user: UserRecord,
  fields: ReadonlyArray<{ readonly key: string; readonly path: ReadonlyArray<string> }>
): Array<[string, unknown]> => {
  const entries: Array<[string, unknown]> = []
  for (const field of fields) {
    const value = valueAt(user, field.path)
    if (value !== undefined) entries.push([field.key, value])
  }
  return entries
}

/** Auth0's CSV escaping (OWASP CSV-injection rules): strings quoted, `'`-prefixed, quotes doubled. */
const csvCell = (value: unknown): string => {
  if (value === undefined || value === null) return ""
  const text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value)
  return typeof value === "string" || typeof value === "object" ? `"'${text.replace(/"/g, '""')}"` : text
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c
  }
  return table
})()

const crc32 = (crc: number, bytes: Uint8Array): number => {
  let c = ~crc
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

/**
 * One gzip member written batch by batch: each batch is raw-deflated on its
 * own and ends with a sync flush (no final block), so the pieces join into a
 * single deflate stream; `end` adds the final block and the CRC-32 / size
 * trailer. Only one batch of text is ever held uncompressed.
 */
class GzipWriter {
  private readonly parts: Array<Uint8Array> = [Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff)]
  private batch: Array<string> = []
  private batchChars = 0
  private crc = 0
  private size = 0

  write(text: string): void {
    this.batch.push(text)
    this.batchChars += text.length
    if (this.batchChars >= BATCH_CHARS) this.flush()
  }

  private flush(): void {
    if (this.batch.length === 0) return
    const bytes = Buffer.from(this.batch.join(""), "utf8")
    this.batch = []
    this.batchChars = 0
    this.crc = crc32(this.crc, bytes)
    this.size = (this.size + bytes.length) >>> 0
    this.parts.push(Zlib.deflateRawSync(bytes, { finishFlush: Zlib.constants.Z_SYNC_FLUSH }))
  }

  end(): Uint8Array<ArrayBuffer> {
    this.flush()
    this.parts.push(Zlib.deflateRawSync(Buffer.alloc(0)))
    const trailer = Buffer.alloc(8)
    trailer.writeUInt32LE(this.crc, 0)
    trailer.writeUInt32LE(this.size, 4)
    this.parts.push(trailer)
    const out = new Uint8Array(this.parts.reduce((n, part) => n + part.length, 0))
    let at = 0
    for (const part of this.parts) {
      out.set(part, at)
      at += part.length
    }
    return out
  }
}

/** The origin the fake was reached at (the served form sends `Host`), else `https://{domain}`. */
export const originOf = (host: string | undefined, domain: string): string =>
  host !== undefined && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)
    ? `http://${host}`
    : `https://${domain}`

/** An error answer as S3 sends it. */
export const s3Error = (status: number, code: string, message: string): FakeResponse => ({
  status,
  headers: { "content-type": "application/xml" },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`
})

export class Jobs {
  private readonly jobs = new Map<string, Job>()
  exportPolls: number
  exportFails: boolean

  constructor(
    private readonly store: Store,
    options: ExportJobOptions
  ) {
    this.exportPolls = Math.max(0, Math.floor(options.exportPolls ?? 1))
    this.exportFails = options.exportFails === true
  }

  /** `POST /jobs/users-exports`. */
  create(body: unknown, now: string): Record<string, unknown> {
    const input = body === undefined ? {} : body
    if (!isObject(input)) throw invalid(`Expected type object but found type ${typeName(input)}`)
    for (const key of Object.keys(input)) {
      if (!["connection_id", "format", "limit", "fields"].includes(key))
        throw invalid(`Additional properties not allowed: ${key}`)
    }
    const { connection_id, format, limit, fields } = input
    if (connection_id !== undefined) {
      if (typeof connection_id !== "string")
        throw invalid(`Expected type string but found type ${typeName(connection_id)}' on property connection_id ('`)
      if (!CONNECTION_ID.test(connection_id))
        throw invalid(
          `String does not match pattern ${CONNECTION_ID.source}: ${connection_id}' on property connection_id ('`
        )
    }
    if (format !== undefined && format !== "json" && format !== "csv")
      throw invalid(`No enum match for: ${JSON.stringify(format)}' on property format ('`)
    if (limit !== undefined) {
      if (typeof limit !== "number" || !Number.isInteger(limit))
        throw invalid(`Expected type integer but found type ${typeName(limit)}' on property limit ('`)
      if (limit < 1) throw invalid(`Value ${limit} is less than minimum 1' on property limit ('`)
    }
    if (fields !== undefined && !Array.isArray(fields))
      throw invalid(`Expected type array but found type ${typeName(fields)}' on property fields ('`)
    const checkedFields = fields === undefined ? undefined : (fields as ReadonlyArray<unknown>).map(readField)
    const connection =
      connection_id === undefined ? undefined : this.store.connections.find((c) => c.id === connection_id)
    if (connection_id !== undefined && connection === undefined)
      throw new Refusal(400, "The connection does not exist.", "inexistent_connection")
    const job: Job = {
      id: `job_${this.store.alnum(16, ALNUM)}`,
      createdAt: now,
      createdMillis: Date.parse(now),
      connection,
      format: format ?? "csv",
      limit: limit as number | undefined,
      fields: checkedFields,
      signature: this.store.hex(32),
      polls: 0,
      status: "pending",
      file: undefined
    }
    this.jobs.set(job.id, job)
    return this.describe(job)
  }

  /** `GET /jobs/{id}`: each call is one poll, moving the job on. */
  get(id: string, nowMillis: number, origin: string): Record<string, unknown> {
    const job = this.find(id, nowMillis)
    if (job === undefined) throw new Refusal(404, "Job not found.", "inexistent_job")
    if (job.status === "pending" || job.status === "processing") {
      job.polls += 1
      if (job.polls <= this.exportPolls) {
        job.status = job.polls === 1 ? "pending" : "processing"
      } else if (this.exportFails) {
        job.status = "failed"
      } else {
        job.file = this.build(job)
        job.status = "completed"
      }
    }
    const answer = this.describe(job)
    switch (job.status) {
      case "processing": {
        const share = (job.polls - 1) / this.exportPolls
        return {
          ...answer,
          percentage_done: Math.floor(share * 100),
          time_left_seconds: this.exportPolls - job.polls + 1
        }
      }
      case "completed": {
        const expires = Math.floor(nowMillis / 1000) + LINK_SECONDS
        const file = `${job.id}.${job.format}.gz`
        return {
          ...answer,
          location: `${origin}${FILES_PREFIX}${file}?expires=${expires}&signature=${job.signature}`,
          percentage_done: 100,
          time_left_seconds: 0
        }
      }
      case "failed":
        return { ...answer, status_details: "Failed to export users (injected by the fake tenant)." }
      default:
        return answer
    }
  }

  /** `GET /__exports/{id}.{format}.gz?expires=…&signature=…`, as S3 answers a presigned URL. */
  file(request: FakeRequest, url: URL, nowMillis: number): FakeResponse {
    if (request.method !== "GET") return s3Error(405, "MethodNotAllowed", "The specified method is not allowed.")
    if (request.headers["authorization"] !== undefined) {
      return s3Error(
        400,
        "InvalidArgument",
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
      )
    }
    const match = /^([A-Za-z0-9_]+)\.(json|csv)\.gz$/.exec(url.pathname.slice(FILES_PREFIX.length))
    const job = match === null ? undefined : this.find(match[1]!, nowMillis)
    if (job === undefined || job.file === undefined || job.format !== match![2])
      return s3Error(404, "NoSuchKey", "The specified key does not exist.")
    if (url.searchParams.get("signature") !== job.signature)
      return s3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
    const expires = Number(url.searchParams.get("expires"))
    if (!Number.isFinite(expires) || expires * 1000 < nowMillis)
      return s3Error(403, "AccessDenied", "Request has expired")
    const headers = { "content-type": "application/gzip", "content-disposition": `attachment; filename="${match![0]}"` }
    // S3 serves `Range: bytes={start}-`; other range forms are answered whole here, which HTTP allows.
    const range = /^bytes=(\d+)-$/.exec(request.headers["range"]?.trim() ?? "")
    if (range !== null) {
      const start = Number(range[1])
      const size = job.file.length
      if (start >= size) {
        const refused = s3Error(416, "InvalidRange", "The requested range is not satisfiable")
        return { ...refused, headers: { ...refused.headers, "content-range": `bytes */${size}` } }
      }
      return {
        status: 206,
        headers: { ...headers, "content-range": `bytes ${start}-${size - 1}/${size}`, "accept-ranges": "bytes" },
        body: "",
        bytes: job.file.subarray(start)
      }
    }
    return { status: 200, headers: { ...headers, "accept-ranges": "bytes" }, body: "", bytes: job.file }
  }

  /** Whether an export job of this id exists (and has not expired). */
  has(id: string, nowMillis: number): boolean {
    return this.find(id, nowMillis) !== undefined
  }

  /** A job, unless Auth0 would have forgotten it by now. */
  private find(id: string, nowMillis: number): Job | undefined {
    const job = this.jobs.get(id)
    if (job !== undefined && nowMillis - job.createdMillis > JOB_MILLIS) {
      this.jobs.delete(id)
      return undefined
    }
    return job
  }

  /** The answer's common part, in the order Auth0 sends it. */
  private describe(job: Job): Record<string, unknown> {
    return {
      type: "users_export",
      status: job.status,
      ...(job.connection !== undefined ? { connection_id: job.connection.id } : {}),
      format: job.format,
      ...(job.limit !== undefined ? { limit: job.limit } : {}),
      ...(job.fields !== undefined ? { fields: job.fields.map((f) => ({ ...f })) } : {}),
      ...(job.connection !== undefined ? { connection: job.connection.name } : {}),
      created_at: job.createdAt,
      id: job.id
    }
  }

  /** The file, from the users as they are now: one line per user, compressed as it is written. */
  private build(job: Job): Uint8Array<ArrayBuffer> {
    const fields = (job.fields ?? (job.format === "csv" ? DEFAULT_CSV_FIELDS : undefined))?.map((f) => ({
      key: f.export_as ?? f.name,
      path: segments(f.name)
    }))
    const gz = new GzipWriter()
    if (job.format === "csv" && fields !== undefined)
      gz.write(`${fields.map((f) => `"${f.key.replace(/"/g, '""')}"`).join(",")}\n`)
    let count = 0
    for (const user of this.store.users.values()) {
      if (job.limit !== undefined && count >= job.limit) break
      const identities = user.identities
      const primary = Array.isArray(identities) && isObject(identities[0]) ? identities[0].connection : undefined
      if (job.connection !== undefined && primary !== job.connection.name) continue
      if (job.format === "csv") {
        const values = new Map(project(user, fields!))
        gz.write(`${fields!.map((f) => csvCell(values.get(f.key))).join(",")}\n`)
      } else {
        // Object.fromEntries defines properties: an `export_as` of `__proto__` stays a plain key.
        gz.write(`${JSON.stringify(fields === undefined ? user : Object.fromEntries(project(user, fields)))}\n`)
      }
      count += 1
    }
    return gz.end()
  }
}
