/** The user endpoints: `/users`, its sub-resources, and the users export job. */
import * as Schema from "effect/Schema"
import * as Endpoint from "../../Endpoint.js"
import { Enrollment, RecoveryCode } from "../../schema/Enrollment.js"
import { Identity } from "../../schema/Identity.js"
import { LogEvent } from "../../schema/LogEvent.js"
import { Role } from "../../schema/Role.js"
import { User } from "../../schema/User.js"
import type * as Models from "../../users/models.js"

/** What goes on the wire for `POST /users`: the connection, and the password no longer `Redacted`. */
export type CreateWire = Omit<Models.CreateBody, "password"> & {
  readonly connection: string
  readonly password?: string | undefined
}

/** What goes on the wire for `PATCH /users/{id}`. */
export type UpdateWire = Omit<Models.UpdateBody, "password"> & { readonly password?: string | null | undefined }

/** `fields` and `include_fields` on the wire. */
export interface ProjectionQuery {
  readonly fields?: string | undefined
  readonly include_fields?: boolean | undefined
}

/** Offset paging on the wire. */
export interface PageQuery {
  readonly include_totals?: boolean | undefined
  readonly page?: number | undefined
  readonly per_page?: number | undefined
}

/** `GET /users` on the wire. */
export interface ListQuery extends ProjectionQuery, PageQuery {
  readonly q?: string | undefined
  readonly sort?: string | undefined
  readonly search_engine?: "v1" | "v2" | "v3" | undefined
  readonly connection?: string | undefined
  readonly primary_order?: boolean | undefined
}

/** `GET /users/{id}/logs` on the wire. */
export interface LogsQuery extends PageQuery {
  readonly sort?: string | undefined
}

export const list = Endpoint.make({
  name: "Users.list",
  method: "GET",
  path: "/users",
  retrySafe: true,
  success: 200,
  scopes: ["read:users"],
  bucket: "readUsers",
  query: Endpoint.query<ListQuery>(),
  response: User,
  paging: Endpoint.offset("users", ["start", "limit", "length", "users", "total"], { key: "user_id", minPerPage: 0 })
})

export const create = Endpoint.make({
  name: "Users.create",
  method: "POST",
  path: "/users",
  retrySafe: false,
  success: 201,
  errors: ["Conflict"],
  scopes: ["create:users"],
  bucket: "writeUsers",
  body: Endpoint.json<CreateWire>(),
  response: User
})

export const get = Endpoint.make({
  name: "Users.get",
  method: "GET",
  path: "/users/{id}",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:users", "read:current_user", "read:user_idp_tokens"],
  bucket: "readUsers",
  query: Endpoint.query<ProjectionQuery>(),
  response: User
})

export const update = Endpoint.make({
  name: "Users.update",
  method: "PATCH",
  path: "/users/{id}",
  retrySafe: false,
  success: 200,
  errors: ["NotFound", "Conflict"],
  scopes: ["update:users", "update:users_app_metadata", "update:current_user_metadata"],
  bucket: "writeUsers",
  body: Endpoint.json<UpdateWire>(),
  response: User
})

const del = Endpoint.make({
  name: "Users.delete",
  method: "DELETE",
  path: "/users/{id}",
  retrySafe: true,
  success: 204,
  scopes: ["delete:users", "delete:current_user"],
  bucket: "writeUsers"
})
export { del as delete }

export const deleteAuthenticationMethods = Endpoint.make({
  name: "Users.deleteAuthenticationMethods",
  method: "DELETE",
  path: "/users/{id}/authentication-methods",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["delete:authentication_methods"],
  bucket: "writeUsers"
})

export const deleteMultifactorProvider = Endpoint.make({
  name: "Users.deleteMultifactorProvider",
  method: "DELETE",
  path: "/users/{id}/multifactor/{provider}",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "writeUsers"
})

export const enrollments = Endpoint.make({
  name: "Users.enrollments",
  method: "GET",
  path: "/users/{id}/enrollments",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:users", "read:current_user"],
  bucket: "readUsers",
  response: Schema.Array(Enrollment)
})

export const link = Endpoint.make({
  name: "Users.link",
  method: "POST",
  path: "/users/{id}/identities",
  retrySafe: false,
  success: 201,
  errors: ["NotFound", "Conflict"],
  scopes: ["update:users", "update:current_user_identities"],
  bucket: "writeUsers",
  body: Endpoint.json<Models.LinkBody>(),
  response: Schema.Array(Identity)
})

export const unlink = Endpoint.make({
  name: "Users.unlink",
  method: "DELETE",
  path: "/users/{id}/identities/{provider}/{user_id}",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["update:users", "update:current_user_identities"],
  bucket: "writeUsers",
  response: Schema.Array(Identity)
})

export const logs = Endpoint.make({
  name: "Users.logs",
  method: "GET",
  path: "/users/{id}/logs",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:logs", "read:logs_users"],
  bucket: "readUsers",
  query: Endpoint.query<LogsQuery>(),
  response: LogEvent,
  paging: Endpoint.offset("logs", ["start", "limit", "length", "total", "logs"], { key: "log_id", minPerPage: 1 })
})

export const regenerateRecoveryCode = Endpoint.make({
  name: "Users.regenerateRecoveryCode",
  method: "POST",
  path: "/users/{id}/recovery-code-regeneration",
  retrySafe: false,
  success: 200,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "writeUsers",
  body: Endpoint.json<Readonly<Record<string, never>>>(),
  response: RecoveryCode
})

export const roles = Endpoint.make({
  name: "Users.roles",
  method: "GET",
  path: "/users/{id}/roles",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:users", "read:roles", "read:role_members"],
  bucket: "readUsers",
  query: Endpoint.query<PageQuery>(),
  response: Role,
  paging: Endpoint.offset("roles", ["roles", "start", "limit", "total"], { key: "id", minPerPage: 1 })
})
