/**
 * A user's sessions and refresh tokens: the checkpoint lists, their deletes (202, asynchronous on
 * Auth0's side) and revoke-access.
 */
import * as Endpoint from "../../Endpoint.js"
import { RefreshToken } from "../../schema/RefreshToken.js"
import { Session } from "../../schema/Session.js"

/** Checkpoint paging on the wire: `from` is the `next` of the page before, `take` 1..100. */
export interface CheckpointQuery {
  readonly from?: string | undefined
  readonly take?: number | undefined
}

/** `POST /users/{id}/revoke-access` on the wire. */
export interface RevokeAccessWire {
  /** One session to revoke (at most 50 characters); without it, every session of the user. */
  readonly session_id?: string | undefined
  /** Keep the refresh tokens of the revoked sessions. Auth0's default is false. */
  readonly preserve_refresh_tokens?: boolean | undefined
}

export const sessions = Endpoint.make({
  name: "Users.sessions",
  method: "GET",
  path: "/users/{id}/sessions",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:sessions"],
  bucket: "readUsers",
  query: Endpoint.query<CheckpointQuery>(),
  response: Session,
  paging: Endpoint.checkpoint("sessions")
})

export const deleteSessions = Endpoint.make({
  name: "Users.deleteSessions",
  method: "DELETE",
  path: "/users/{id}/sessions",
  retrySafe: true,
  success: 202,
  errors: ["NotFound"],
  scopes: ["delete:sessions"],
  bucket: "writeUsers"
})

export const refreshTokens = Endpoint.make({
  name: "Users.refreshTokens",
  method: "GET",
  path: "/users/{id}/refresh-tokens",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:refresh_tokens"],
  bucket: "readUsers",
  query: Endpoint.query<CheckpointQuery>(),
  response: RefreshToken,
  paging: Endpoint.checkpoint("tokens")
})

export const deleteRefreshTokens = Endpoint.make({
  name: "Users.deleteRefreshTokens",
  method: "DELETE",
  path: "/users/{id}/refresh-tokens",
  retrySafe: true,
  success: 202,
  errors: ["NotFound"],
  scopes: ["delete:refresh_tokens"],
  bucket: "writeUsers"
})

// Safe to send again: a second revoke of the same session (or of all) finds nothing more to end.
export const revokeAccess = Endpoint.make({
  name: "Users.revokeAccess",
  method: "POST",
  path: "/users/{id}/revoke-access",
  retrySafe: true,
  success: 202,
  errors: ["NotFound"],
  scopes: ["delete:sessions", "delete:refresh_tokens"],
  bucket: "writeUsers",
  body: Endpoint.json<RevokeAccessWire>()
})
