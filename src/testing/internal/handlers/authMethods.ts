/** The fake tenant's answers for a user's authentication methods and MFA actions. */
import * as Endpoints from "../../../internal/endpoints.js"
import type { ResourceHandlers } from "../handlers.js"
import { iso, offsetPage } from "../pages.js"
import type { AuthMethods } from "../state/authMethods.js"

export const usersAuthMethods = (methods: AuthMethods): ResourceHandlers<typeof Endpoints.usersAuthMethods> => ({
  authenticationMethods: ({ params, query }) => {
    const paging = Endpoints.usersAuthMethods.authenticationMethods.paging
    // As recorded: no `total` at all when the user has no method.
    return offsetPage(paging, query, methods.list(params.id), undefined, { totalWhenEmpty: false })
  },
  authenticationMethod: ({ params }) => methods.get(params.id, params.authentication_method_id),
  createAuthenticationMethod: ({ body, now, params }) => methods.create(params.id, body(), iso(now)),
  replaceAuthenticationMethods: ({ body, now, params }) => methods.replace(params.id, body(), iso(now)),
  updateAuthenticationMethod: ({ body, params }) => methods.update(params.id, params.authentication_method_id, body()),
  deleteAuthenticationMethod: ({ params }) => methods.delete(params.id, params.authentication_method_id),
  deleteAuthenticators: ({ params }) => methods.deleteAuthenticators(params.id),
  invalidateRememberBrowser: ({ now, params }) => methods.invalidateRememberBrowser(params.id, iso(now)),
  clearRiskAssessors: ({ body, now, params }) => methods.clearRiskAssessors(params.id, body(), iso(now))
})
