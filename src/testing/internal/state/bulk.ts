/**
 * The fake tenant's verification-email jobs and tickets: what was asked for, kept so that a test can
 * see it, and the job's state as `GET /jobs/{id}` reports it.
 */
import { Refusal } from "../refusal.js"
import type { Store } from "../store.js"
import { invalid, isObject } from "../userBody.js"

export interface VerificationJob {
  readonly id: string
  readonly created_at: string
  readonly user_id: string
  status: "pending" | "completed"
}

/** A ticket the tenant issued: which user, what for, and the URL (a secret, as Auth0's are). */
export interface IssuedTicket {
  readonly kind: "password-change" | "email-verification"
  readonly user_id: string
  readonly url: string
  readonly result_url?: string | undefined
  readonly ttl_sec?: number | undefined
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

export class Bulk {
  readonly verificationJobs = new Map<string, VerificationJob>()
  readonly tickets: Array<IssuedTicket> = []

  constructor(private readonly store: Store) {}

  private user(body: unknown): string {
    if (!isObject(body)) throw invalid("Expected type object but found type null")
    const id = body.user_id
    if (typeof id !== "string" || id === "") throw invalid("Missing required property: user_id")
    if (!this.store.users.has(id)) throw new Refusal(404, "The user does not exist.", "inexistent_user")
    return id
  }

  /** `POST /jobs/verification-email`: a job that is done by the first poll (the fake sends no mail). */
  verificationEmail(body: unknown, now: string): Record<string, unknown> {
    const job: VerificationJob = {
      id: `job_${this.store.alnum(16, ALNUM)}`,
      created_at: now,
      user_id: this.user(body),
      status: "pending"
    }
    this.verificationJobs.set(job.id, job)
    return this.describe(job)
  }

  /** `GET /jobs/{id}` of a verification job: pending when created, completed from the first poll on. */
  poll(id: string): Record<string, unknown> | undefined {
    const job = this.verificationJobs.get(id)
    if (job === undefined) return undefined
    const answer = this.describe(job)
    job.status = "completed"
    return { ...answer, status: "completed" }
  }

  private describe(job: VerificationJob): Record<string, unknown> {
    return { type: "verification_email", status: job.status, created_at: job.created_at, id: job.id }
  }

  /** `POST /tickets/…`: a URL on the tenant's own origin, as Auth0's `/u/…` pages. */
  ticket(kind: IssuedTicket["kind"], body: unknown, origin: string): Record<string, unknown> {
    const userId = this.user(body)
    const { result_url, ttl_sec } = body as Record<string, unknown>
    if (ttl_sec !== undefined && (typeof ttl_sec !== "number" || !Number.isInteger(ttl_sec) || ttl_sec < 0))
      throw invalid("Value must be an integer of at least 0' on property ttl_sec ('")
    const page = kind === "password-change" ? "reset-password" : "email-verification"
    const url = `${origin}/u/${page}?ticket=${this.store.alnum(32, ALNUM)}#`
    this.tickets.push({
      kind,
      user_id: userId,
      url,
      ...(typeof result_url === "string" ? { result_url } : {}),
      ...(typeof ttl_sec === "number" ? { ttl_sec } : {})
    })
    return { ticket: url }
  }
}
