/** The role member endpoints: the users a role is assigned to, in either paging style, and assigning it. */
import * as Schema from "effect/Schema"
import * as Endpoint from "../../Endpoint.js"
import { Extra, named } from "../schema.js"
import type { PageQuery } from "./users.js"

const RoleMemberStruct = Schema.Struct(
  {
    user_id: Schema.String,
    email: Schema.optional(Schema.String),
    picture: Schema.optional(Schema.String),
    name: Schema.optional(Schema.String)
  },
  Extra
)

/** A member of a role, as `GET /roles/{id}/users` lists it. */
export interface RoleMember extends Schema.Schema.Type<typeof RoleMemberStruct> {}

export const RoleMember = named<RoleMember>()(RoleMemberStruct)

const SCOPES = ["read:users", "read:roles", "read:role_members"]

export const users = Endpoint.make({
  name: "Roles.users",
  method: "GET",
  path: "/roles/{id}/users",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: SCOPES,
  bucket: "global",
  query: Endpoint.query<PageQuery>(),
  response: RoleMember,
  paging: Endpoint.offset("users", ["users", "start", "limit", "total"], { key: "user_id", minPerPage: 1 })
})

/**
 * The same route in checkpoint form, which Auth0 answers whenever `take` is sent and which alone goes past
 * the 1000th member. The fake serves both from the handler of `users`.
 */
export const usersCheckpoint = Endpoint.make({
  name: "Roles.usersStream",
  method: "GET",
  path: "/roles/{id}/users",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: SCOPES,
  bucket: "global",
  query: Endpoint.query<{ readonly from?: string | undefined; readonly take?: number | undefined }>(),
  response: RoleMember,
  paging: Endpoint.checkpoint("users")
})

export const assignUsers = Endpoint.make({
  name: "Roles.assignUsers",
  method: "POST",
  path: "/roles/{id}/users",
  // Assigning a role a user already has changes nothing.
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["update:roles", "create:role_members"],
  bucket: "global",
  body: Endpoint.json<{ readonly users: ReadonlyArray<string> }>()
})
