/** The job endpoints: the state of an export (and, next, import and verification) job. */
import * as Schema from "effect/Schema"
import * as Endpoint from "../../Endpoint.js"
import { Nullable } from "../schema.js"

/** What the library reads of a job; the rest of Auth0's answer is ignored. */
export const Job = Schema.Struct({
  id: Schema.String,
  status: Schema.String,
  location: Nullable(Schema.String),
  status_details: Nullable(Schema.String),
  percentage_done: Nullable(Schema.Number),
  time_left_seconds: Nullable(Schema.Number)
})
export type Job = Schema.Schema.Type<typeof Job>

/** The `POST /jobs/users-exports` body. */
export interface ExportBody {
  readonly connection_id?: string
  readonly format: "json" | "csv"
  readonly limit?: number
  readonly fields?: ReadonlyArray<{ readonly name: string; readonly export_as?: string }>
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
