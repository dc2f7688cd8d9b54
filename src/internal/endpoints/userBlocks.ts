/** The brute-force blocks: `/user-blocks`, by user id or by identifier. */
import * as Endpoint from "../../Endpoint.js"
import { UserBlock } from "../../schema/UserBlock.js"

/** `consider_brute_force_enablement` on the wire. */
export interface BruteForceQuery {
  readonly consider_brute_force_enablement?: boolean | undefined
}

/** `?identifier=` on the wire. */
export interface IdentifierQuery {
  readonly identifier: string
}

export const get = Endpoint.make({
  name: "UserBlocks.get",
  method: "GET",
  path: "/user-blocks/{id}",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:users"],
  bucket: "global",
  query: Endpoint.query<BruteForceQuery>(),
  response: UserBlock
})

export const getByIdentifier = Endpoint.make({
  name: "UserBlocks.getByIdentifier",
  method: "GET",
  path: "/user-blocks",
  retrySafe: true,
  success: 200,
  scopes: ["read:users"],
  bucket: "global",
  query: Endpoint.query<IdentifierQuery & BruteForceQuery>(),
  response: UserBlock
})

export const unblock = Endpoint.make({
  name: "UserBlocks.unblock",
  method: "DELETE",
  path: "/user-blocks/{id}",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "global"
})

export const unblockByIdentifier = Endpoint.make({
  name: "UserBlocks.unblockByIdentifier",
  method: "DELETE",
  path: "/user-blocks",
  retrySafe: true,
  success: 204,
  scopes: ["update:users"],
  bucket: "global",
  query: Endpoint.query<IdentifierQuery>()
})
