/** The job endpoints: the state of a job, its errors, the export, import and verification-email jobs. */
import * as Schema from "effect/Schema"
import * as Endpoint from "../../Endpoint.js"
import { ImportError, Job } from "../../schema/Job.js"

/** The `POST /jobs/users-exports` body. */
export interface ExportBody {
  readonly connection_id?: string
  readonly format: "json" | "csv"
  readonly limit?: number
  readonly fields?: ReadonlyArray<{ readonly name: string; readonly export_as?: string }>
}

/**
 * The `POST /jobs/users-imports` form, in the order of its parts on the wire (as Auth0's own SDKs send
 * them): the options as text, then the users file (`users.json`, a JSON array).
 */
export type ImportBody = {
  readonly connection_id: string
  readonly upsert?: "true" | "false" | undefined
  readonly external_id?: string | undefined
  readonly send_completion_email?: "true" | "false" | undefined
  readonly users: Blob | Endpoint.FilePart
}

/** The `POST /jobs/verification-email` body. */
export interface VerificationEmailBody {
  readonly user_id: string
  readonly client_id?: string | undefined
  /** The identity to verify when the user has several (a linked account). */
  readonly identity?:
    { readonly user_id: string; readonly provider: string; readonly connection_id?: string | undefined } | undefined
  readonly organization_id?: string | undefined
}

export const get = Endpoint.make({
  name: "Jobs.get",
  method: "GET",
  path: "/jobs/{id}",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["create:users", "read:users"],
  bucket: "global",
  response: Job
})

/** 200 with the rejected users, or 204 (an empty body, read as `undefined`) when there were none. */
export const errors = Endpoint.make({
  name: "Jobs.errors",
  method: "GET",
  path: "/jobs/{id}/errors",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["create:users", "read:users"],
  bucket: "global",
  response: Schema.UndefinedOr(Schema.Array(ImportError))
})

export const exportUsers = Endpoint.make({
  name: "Jobs.exportUsers",
  method: "POST",
  path: "/jobs/users-exports",
  // A second export job only reads again: sending the request twice costs a job, changes nothing.
  retrySafe: true,
  success: 200,
  scopes: ["read:users"],
  bucket: "global",
  body: Endpoint.json<ExportBody>(),
  response: Job
})

export const importUsers = Endpoint.make({
  name: "Jobs.importUsers",
  method: "POST",
  path: "/jobs/users-imports",
  // A second job imports the file again: without upsert every user of it is a DUPLICATED_USER, with it
  // the completion email goes twice. A 429 (a third job, or the rate limit) did nothing and is retried.
  retrySafe: false,
  success: 202,
  scopes: ["create:users"],
  bucket: "global",
  body: Endpoint.multipart<ImportBody>(),
  response: Job
})

export const sendVerificationEmail = Endpoint.make({
  name: "Jobs.sendVerificationEmail",
  method: "POST",
  path: "/jobs/verification-email",
  // Sent twice, it mails the user twice.
  retrySafe: false,
  success: 201,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "global",
  body: Endpoint.json<VerificationEmailBody>(),
  response: Job
})
