/** The fake tenant's answers for the brute-force blocks (`/user-blocks`). */
import * as Query from "../../../internal/codec/query.js"
import type * as Endpoints from "../../../internal/endpoints.js"
import type { ResourceHandlers } from "../handlers.js"
import { boolParam, queryError } from "../queryParams.js"
import type { LookupState } from "../state/lookup.js"

const identifierOf = (query: URLSearchParams): string => {
  const identifier = Query.get(query, "identifier")
  if (identifier === undefined) throw queryError("Missing required property: identifier")
  return identifier
}

export const userBlocks = (state: LookupState): ResourceHandlers<typeof Endpoints.userBlocks> => ({
  // Brute-force protection is always on in the fake, so `consider_brute_force_enablement` is only checked.
  get: ({ params, query }) => {
    boolParam(query, "consider_brute_force_enablement")
    return { blocked_for: state.blocksOfUser(params.id) }
  },
  getByIdentifier: ({ query }) => {
    const identifier = identifierOf(query)
    boolParam(query, "consider_brute_force_enablement")
    return { blocked_for: state.blocksOfIdentifier(identifier) }
  },
  unblock: ({ params }) => state.unblockUser(params.id),
  unblockByIdentifier: ({ query }) => state.unblockIdentifier(identifierOf(query))
})
