/**
 * The fake tenant's users import jobs. `POST /jobs/users-imports` checks the
 * form as Auth0 does (the connection, the options, the file's size) and
 * queues a job, at most two at a time; a job runs once `importMillis` of the
 * tenant's clock have passed, when the tenant is next asked about jobs:
 * every user of its file checked (`importCheck.ts`), inserted, upserted or
 * rejected (`DUPLICATED_USER` for a user that exists without `upsert`, or
 * twice in the file), and the job `completed` with Auth0's summary and its
 * errors for `GET /jobs/{id}/errors`. A file that is not a JSON array fails
 * the job.
 */
import { Form } from "../multipart.js"
import { Refusal } from "../refusal.js"
import type { Store, UserRecord } from "../store.js"
import { check, type ImportProblem } from "../importCheck.js"
import { isObject } from "../userBody.js"

export interface ImportJobOptions {
  /** How long, in milliseconds of the tenant's clock, an import job stays `pending`. Default 100. */
  readonly importMillis?: number | undefined
}

/** Auth0's 413 names this many bytes. */
const MAX_PAYLOAD = 512_000
const MAX_ACTIVE = 2
const CONNECTION_ID = /^con_[A-Za-z0-9]{16}$/
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
/** The import fields a user keeps (the hashes and MFA factors are checked, not kept: the fake has no logins). */
const PROFILE = [
  "email",
  "email_verified",
  "phone_number",
  "phone_verified",
  "username",
  "given_name",
  "family_name",
  "name",
  "nickname",
  "picture",
  "blocked"
]

export interface ImportError {
  readonly user: unknown
  readonly errors: ReadonlyArray<ImportProblem>
}

interface ImportJob {
  readonly id: string
  readonly created_at: string
  readonly readyAt: number
  readonly connection: { readonly id: string; readonly name: string }
  readonly upsert: boolean
  readonly external_id: string | undefined
  readonly file: string
  status: "pending" | "completed" | "failed"
  summary?: { failed: number; updated: number; inserted: number; total: number }
  status_details?: string
  errors: ReadonlyArray<ImportError>
}

const booleanPart = (form: Form, name: string): boolean | undefined => {
  const value = form.text(name)
  if (value === undefined) return undefined
  if (value === "true") return true
  if (value === "false") return false
  throw new Refusal(
    400,
    `Payload validation error: 'Expected type boolean but found type string' on property ${name}.`,
    "invalid_body"
  )
}

export class Imports {
  readonly jobs = new Map<string, ImportJob>()
  readonly importMillis: number

  constructor(
    private readonly store: Store,
    options: ImportJobOptions
  ) {
    this.importMillis = options.importMillis ?? 100
  }

  /** `POST /jobs/users-imports`. */
  create(body: unknown, now: string, nowMillis: number): Record<string, unknown> {
    if (!(body instanceof Form))
      throw new Refusal(400, "Payload validation error: 'Expected a multipart/form-data body'.", "invalid_body")
    if (body.bytes > MAX_PAYLOAD)
      throw new Refusal(413, `Payload content length greater than maximum allowed: ${MAX_PAYLOAD}`)
    const connectionId = body.text("connection_id")
    if (connectionId === undefined)
      throw new Refusal(400, "Payload validation error: 'Missing required property: connection_id'.", "invalid_body")
    if (!CONNECTION_ID.test(connectionId))
      throw new Refusal(
        400,
        `Payload validation error: 'String does not match pattern ^con_[A-Za-z0-9]{16}$: ${connectionId}' on property connection_id.`,
        "invalid_body"
      )
    const connection = this.store.connections.find((c) => c.id === connectionId)
    if (connection === undefined) throw new Refusal(400, "The connection does not exist.", "inexistent_connection")
    if (connection.strategy !== "auth0")
      throw new Refusal(400, "The connection must be a database connection.", "invalid_body")
    const file = body.parts.get("users")
    if (file === undefined || file.filename === undefined)
      throw new Refusal(400, "Payload validation error: 'Missing required property: users'.", "invalid_body")
    const upsert = booleanPart(body, "upsert") ?? false
    booleanPart(body, "send_completion_email")
    this.settle(nowMillis)
    const active = [...this.jobs.values()].filter((job) => job.status === "pending").length
    if (active >= MAX_ACTIVE) {
      throw new Refusal(
        429,
        `There are ${MAX_ACTIVE} active import users jobs, please wait until some of them are finished and try again`,
        "too_many_requests"
      )
    }
    const job: ImportJob = {
      id: `job_${this.store.alnum(16, ALNUM)}`,
      created_at: now,
      readyAt: nowMillis + this.importMillis,
      connection: { id: connection.id, name: connection.name },
      upsert,
      external_id: body.text("external_id"),
      file: file.value,
      status: "pending",
      errors: []
    }
    this.jobs.set(job.id, job)
    return this.describe(job)
  }

  /** `GET /jobs/{id}` of an import job, or undefined for another job's id. */
  poll(id: string, nowMillis: number): Record<string, unknown> | undefined {
    this.settle(nowMillis)
    const job = this.jobs.get(id)
    return job === undefined ? undefined : this.describe(job)
  }

  /** `GET /jobs/{id}/errors` of an import job: undefined for another job's id, `[]` when none. */
  errorsOf(id: string, nowMillis: number): ReadonlyArray<ImportError> | undefined {
    this.settle(nowMillis)
    return this.jobs.get(id)?.errors
  }

  private describe(job: ImportJob): Record<string, unknown> {
    return {
      type: "users_import",
      status: job.status,
      connection_id: job.connection.id,
      ...(job.external_id !== undefined && job.external_id !== "" ? { external_id: job.external_id } : {}),
      ...(job.summary !== undefined ? { summary: job.summary } : {}),
      ...(job.status_details !== undefined ? { status_details: job.status_details } : {}),
      connection: job.connection.name,
      created_at: job.created_at,
      id: job.id
    }
  }

  /** Run, in the order they were created, the jobs whose time has come. */
  private settle(nowMillis: number): void {
    for (const job of this.jobs.values()) {
      if (job.status === "pending" && job.readyAt <= nowMillis) this.run(job, new Date(job.readyAt).toISOString())
    }
  }

  private run(job: ImportJob, now: string): void {
    let users: unknown
    try {
      users = JSON.parse(job.file)
    } catch {
      users = undefined
    }
    if (!Array.isArray(users)) {
      job.status = "failed"
      job.status_details = "The users file is not a JSON array of users."
      return
    }
    const summary = { failed: 0, updated: 0, inserted: 0, total: users.length }
    const errors: Array<ImportError> = []
    const seen = new Set<string>()
    for (const user of users as ReadonlyArray<unknown>) {
      const problems = check(user) as Array<ImportProblem>
      const record = user as Record<string, unknown>
      const key = problems.length === 0 ? this.keyOf(record) : undefined
      if (key !== undefined && seen.has(key)) {
        problems.push({ code: "DUPLICATED_USER", message: "The user is more than once in the file" })
      } else if (problems.length === 0) {
        const outcome = this.write(job, record, now)
        if (typeof outcome === "string") summary[outcome]++
        else problems.push(outcome)
      }
      if (key !== undefined) seen.add(key)
      if (problems.length > 0) {
        summary.failed++
        errors.push({ user, errors: problems })
      }
    }
    job.summary = summary
    job.errors = errors
    job.status = "completed"
  }

  private keyOf(user: Record<string, unknown>): string {
    return typeof user.email === "string"
      ? `email:${user.email.toLowerCase()}`
      : typeof user.user_id === "string"
        ? `id:${user.user_id}`
        : `name:${String(user.username ?? user.phone_number)}`
  }

  /** The user of the connection that this import user is: by `user_id`, else by email. */
  private existing(job: ImportJob, user: Record<string, unknown>): UserRecord | undefined {
    if (typeof user.user_id === "string") {
      const byId = this.store.users.get(`auth0|${user.user_id}`)
      if (byId !== undefined) return byId
    }
    if (typeof user.email !== "string") return undefined
    const id = this.store.idByEmail(job.connection.name, user.email)
    return id === undefined ? undefined : this.store.users.get(id)
  }

  private write(job: ImportJob, user: Record<string, unknown>, now: string): "inserted" | "updated" | ImportProblem {
    const body: Record<string, unknown> = {}
    for (const key of PROFILE) if (user[key] !== undefined) body[key] = user[key]
    const found = this.existing(job, user)
    try {
      if (found === undefined) {
        this.store.create(
          {
            connection: job.connection.name,
            ...body,
            ...(typeof user.user_id === "string" ? { user_id: user.user_id } : {}),
            ...(isObject(user.app_metadata) ? { app_metadata: user.app_metadata } : {}),
            ...(isObject(user.user_metadata) ? { user_metadata: user.user_metadata } : {})
          },
          now,
          { requirePassword: false }
        )
        return "inserted"
      }
      if (!job.upsert)
        return { code: "DUPLICATED_USER", message: "The user already exist and upsert parameter is false" }
      // An upsert replaces the metadata it is given (Auth0 does not merge it) and resets email_verified.
      const replace = (key: "app_metadata" | "user_metadata") => {
        const next = user[key]
        if (!isObject(next)) return {}
        const old = isObject(found[key]) ? found[key] : {}
        return { [key]: { ...Object.fromEntries(Object.keys(old).map((k) => [k, null])), ...next } }
      }
      this.store.update(
        found.user_id,
        {
          ...body,
          email_verified: user.email_verified === true,
          ...replace("app_metadata"),
          ...replace("user_metadata")
        },
        now
      )
      return "updated"
    } catch (error) {
      if (error instanceof Refusal)
        return { code: error.status === 409 ? "CONFLICT" : "NOT_PASSED", message: error.message }
      throw error
    }
  }
}
