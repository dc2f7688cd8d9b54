/** The user lookups: users by email, a user's organizations and connected accounts. */
import * as Schema from "effect/Schema"
import * as Endpoint from "../../Endpoint.js"
import { ConnectedAccount } from "../../schema/ConnectedAccount.js"
import { Organization } from "../../schema/Organization.js"
import { User } from "../../schema/User.js"
import type { PageQuery, ProjectionQuery } from "./users.js"

/** `GET /users-by-email` on the wire. */
export interface ByEmailQuery extends ProjectionQuery {
  readonly email: string
}

/** Checkpoint paging on the wire. */
export interface CheckpointQuery {
  readonly from?: string | undefined
  readonly take?: number | undefined
}

// Not paged: Auth0 answers every user with that email (one per connection) in one array.
export const listByEmail = Endpoint.make({
  name: "Users.listByEmail",
  method: "GET",
  path: "/users-by-email",
  retrySafe: true,
  success: 200,
  scopes: ["read:users"],
  bucket: "readUsers",
  query: Endpoint.query<ByEmailQuery>(),
  response: Schema.Array(User)
})

export const organizations = Endpoint.make({
  name: "Users.organizations",
  method: "GET",
  path: "/users/{id}/organizations",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:organizations"],
  bucket: "readUsers",
  query: Endpoint.query<PageQuery>(),
  response: Organization,
  // Recorded (TestUserManager_Organizations): {organizations, start, limit, total}, no `length`.
  paging: Endpoint.offset("organizations", ["organizations", "start", "limit", "total"], { key: "id", minPerPage: 1 })
})

export const connectedAccounts = Endpoint.make({
  name: "Users.connectedAccounts",
  method: "GET",
  path: "/users/{id}/connected-accounts",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:users"],
  bucket: "readUsers",
  query: Endpoint.query<CheckpointQuery>(),
  response: ConnectedAccount,
  paging: Endpoint.checkpoint("connected_accounts")
})
