/**
 * A user's authentication methods (`/users/{id}/authentication-methods`), its Guardian authenticators, and
 * the MFA actions on it (remember-browser, risk assessors).
 */
import * as Schema from "effect/Schema"
import * as Endpoint from "../../Endpoint.js"
import { AuthenticationMethod } from "../../schema/AuthenticationMethod.js"
import type * as Models from "../../users/authMethods.js"
import type { PageQuery } from "./users.js"

/** The wire form of a method's body: a `Redacted` TOTP secret revealed. */
export type Revealed<B extends { readonly totp_secret?: unknown }> = Omit<B, "totp_secret"> & {
  readonly totp_secret?: string | undefined
}

export const authenticationMethods = Endpoint.make({
  name: "Users.authenticationMethods",
  method: "GET",
  path: "/users/{id}/authentication-methods",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:authentication_methods"],
  bucket: "readUsers",
  query: Endpoint.query<PageQuery>(),
  response: AuthenticationMethod,
  // Recorded order; Auth0 leaves `total` out when the user has none.
  paging: Endpoint.offset("authenticators", ["authenticators", "total", "start", "limit"], {
    key: "id",
    minPerPage: 0
  })
})

export const authenticationMethod = Endpoint.make({
  name: "Users.authenticationMethod",
  method: "GET",
  path: "/users/{id}/authentication-methods/{authentication_method_id}",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:authentication_methods"],
  bucket: "readUsers",
  response: AuthenticationMethod
})

export const createAuthenticationMethod = Endpoint.make({
  name: "Users.createAuthenticationMethod",
  method: "POST",
  path: "/users/{id}/authentication-methods",
  retrySafe: false,
  success: 201,
  errors: ["NotFound", "Conflict"],
  scopes: ["create:authentication_methods"],
  bucket: "writeUsers",
  body: Endpoint.json<Revealed<Models.CreateAuthenticationMethodBody>>(),
  response: AuthenticationMethod
})

export const replaceAuthenticationMethods = Endpoint.make({
  name: "Users.replaceAuthenticationMethods",
  method: "PUT",
  path: "/users/{id}/authentication-methods",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["update:authentication_methods"],
  bucket: "writeUsers",
  body: Endpoint.json<ReadonlyArray<Revealed<Models.ReplacementAuthenticationMethod>>>(),
  response: Schema.Array(AuthenticationMethod)
})

export const updateAuthenticationMethod = Endpoint.make({
  name: "Users.updateAuthenticationMethod",
  method: "PATCH",
  path: "/users/{id}/authentication-methods/{authentication_method_id}",
  retrySafe: false,
  success: 200,
  errors: ["NotFound"],
  scopes: ["update:authentication_methods"],
  bucket: "writeUsers",
  body: Endpoint.json<Models.UpdateAuthenticationMethodBody>(),
  response: AuthenticationMethod
})

export const deleteAuthenticationMethod = Endpoint.make({
  name: "Users.deleteAuthenticationMethod",
  method: "DELETE",
  path: "/users/{id}/authentication-methods/{authentication_method_id}",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["delete:authentication_methods"],
  bucket: "writeUsers"
})

export const deleteAuthenticators = Endpoint.make({
  name: "Users.deleteAuthenticators",
  method: "DELETE",
  path: "/users/{id}/authenticators",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["delete:guardian_enrollments"],
  bucket: "writeUsers"
})

export const invalidateRememberBrowser = Endpoint.make({
  name: "Users.invalidateRememberBrowser",
  method: "POST",
  path: "/users/{id}/multifactor/actions/invalidate-remember-browser",
  // Invalidating twice leaves the same state as once.
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "writeUsers"
})

export const clearRiskAssessors = Endpoint.make({
  name: "Users.clearRiskAssessors",
  method: "POST",
  path: "/users/{id}/risk-assessments/clear",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "writeUsers",
  body: Endpoint.json<Models.ClearRiskAssessorsBody>()
})
