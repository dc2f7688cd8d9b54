/** The fake tenant's answers for a user's sessions, refresh tokens and revoke-access, over their state. */
import * as Endpoints from "../../../internal/endpoints.js"
import type { ResourceHandlers } from "../handlers.js"
import type { SessionsState } from "../state/sessions.js"

export const usersSessions = (state: SessionsState): ResourceHandlers<typeof Endpoints.usersSessions> => ({
  sessions: ({ params, query }) => state.listSessions(Endpoints.usersSessions.sessions.paging, params.id, query),
  deleteSessions: ({ params }) => state.deleteSessions(params.id),
  refreshTokens: ({ params, query }) =>
    state.listRefreshTokens(Endpoints.usersSessions.refreshTokens.paging, params.id, query),
  deleteRefreshTokens: ({ params }) => state.deleteRefreshTokens(params.id),
  revokeAccess: ({ body, params }) => state.revokeAccess(params.id, body())
})
