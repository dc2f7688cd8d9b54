/**
 * Every endpoint the library declares, per resource. The client operations
 * and the fake tenant both read these (the fake's route table is keyed by
 * them), so the method, path, schemas, paging, scopes and documented errors
 * cannot drift apart.
 */
import type * as Endpoint from "../Endpoint.js"
import * as usersAuthMethods from "./endpoints/authMethods.js"
import * as jobs from "./endpoints/jobs.js"
import * as roles from "./endpoints/roles.js"
import * as tickets from "./endpoints/tickets.js"
import * as userBlocks from "./endpoints/userBlocks.js"
import * as usersSessions from "./endpoints/sessions.js"
import * as users from "./endpoints/users.js"
import * as usersLookup from "./endpoints/lookup.js"
import * as usersRbac from "./endpoints/rbac.js"
import * as Registry from "./registry.js"

export { jobs, roles, tickets, userBlocks, users, usersAuthMethods, usersLookup, usersRbac, usersSessions }

/** The declarations by resource, as the fake's handler table must mirror them. */
export const declarations = {
  users,
  usersRbac,
  usersLookup,
  usersAuthMethods,
  usersSessions,
  userBlocks,
  jobs,
  tickets,
  roles
} as const

export type Declarations = typeof declarations

/** Every declaration, for tests that walk them all. */
export const all: ReadonlyArray<Endpoint.Any> = Object.values(declarations).flatMap((resource) =>
  Object.values(resource).filter((value): value is Endpoint.Any => typeof value === "object" && "paging" in value)
)

/** The declaration a Management API request was sent for, by its method and whole path (`/api/v2/…`). */
export const find = (method: string, path: string): Endpoint.Any | undefined =>
  path.startsWith("/api/v2/") ? Registry.lookup(method, path.slice("/api/v2".length)) : undefined

export type { Bucket, Method, PathParamNames, PathParams } from "../Endpoint.js"
export { apiPath, bodyProblem, fillPath, isWellFormed, missingParams, segmentProblem } from "./path.js"
