/** The fake tenant's answers for the user lookups: by email, organizations, connected accounts. */
import * as Page from "../../../internal/codec/page.js"
import * as Query from "../../../internal/codec/query.js"
import * as Endpoints from "../../../internal/endpoints.js"
import type { ResourceHandlers } from "../handlers.js"
import { offsetPage } from "../pages.js"
import { intParam, projectUser, queryError } from "../queryParams.js"
import { Refusal } from "../refusal.js"
import type { LookupState } from "../state/lookup.js"

/** Auth0 documents "defaults to 10 with a maximum of 20" for connected accounts. */
const CONNECTED_ACCOUNTS_TAKE = { default: 10, max: 20 }

/** The fake's checkpoint: the offset of the next item, opaque to the client as Auth0's are. */
const cursor = (offset: number) => Buffer.from(`ca:${offset}`, "utf8").toString("base64url")

const offsetOf = (from: string | undefined): number => {
  if (from === undefined) return 0
  const match = /^ca:(\d+)$/.exec(Buffer.from(from, "base64url").toString("utf8"))
  if (match === null) throw new Refusal(400, "Invalid checkpoint (from)", "invalid_query_string")
  return Number(match[1])
}

export const usersLookup = (state: LookupState): ResourceHandlers<typeof Endpoints.usersLookup> => ({
  listByEmail: ({ query }) => {
    const email = Query.get(query, "email")
    if (email === undefined) throw queryError("Missing required property: email")
    return state.usersByEmail(email).map((user) => projectUser(user, query))
  },
  organizations: ({ params, query }) => {
    return offsetPage(Endpoints.usersLookup.organizations.paging, query, state.organizationsOf(params.id))
  },
  connectedAccounts: ({ params, query }) => {
    const accounts = state.connectedAccountsOf(params.id)
    const take = intParam(query, "take", 1, CONNECTED_ACCOUNTS_TAKE.max) ?? CONNECTED_ACCOUNTS_TAKE.default
    const start = offsetOf(Query.get(query, "from"))
    const items = accounts.slice(start, start + take)
    // Like Auth0's recorded checkpoint lists, a full page names a `next` even when nothing follows it.
    const next = items.length === take ? cursor(start + take) : undefined
    return Page.checkpointEnvelope(Endpoints.usersLookup.connectedAccounts.paging, items, next)
  }
})
