/**
 * effect-auth0: the users part of the Auth0 Management API, for Effect.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Auth0Error from "./Auth0Error.js"

/** @since 0.1.0 */
export * as Auth0Http from "./Auth0Http.js"

/** @since 0.1.0 */
export * as Endpoint from "./Endpoint.js"

/** @since 0.1.0 */
export * as Jobs from "./Jobs.js"

/** @since 0.1.0 */
export * as Query from "./Query.js"

/** @since 0.1.0 */
export * as Retry from "./Retry.js"

/** @since 0.1.0 */
export * as Roles from "./Roles.js"

/** @since 0.1.0 */
export * as Tickets from "./Tickets.js"

/** @since 0.1.0 */
export * as TokenProvider from "./TokenProvider.js"

/** @since 0.1.0 */
export * as Users from "./Users.js"

/** @since 0.1.0 */
export * as UserBlocks from "./UserBlocks.js"

/** @since 0.1.0 */
export * as User from "./schema/User.js"

/** @since 0.1.0 */
export * as Identity from "./schema/Identity.js"

/** @since 0.1.0 */
export * as LogEvent from "./schema/LogEvent.js"

/** @since 0.1.0 */
export * as Role from "./schema/Role.js"

/** @since 0.1.0 */
export * as Permission from "./schema/Permission.js"

/** @since 0.1.0 */
export * as EffectiveRole from "./schema/EffectiveRole.js"

/** @since 0.1.0 */
export * as Group from "./schema/Group.js"

/** @since 0.1.0 */
export * as Enrollment from "./schema/Enrollment.js"

/** @since 0.1.0 */
export * as Page from "./schema/Page.js"

/** @since 0.1.0 */
export * as Job from "./schema/Job.js"

/** @since 0.1.0 */
export * as ImportUser from "./schema/ImportUser.js"

/** @since 0.1.0 */
export * as Ticket from "./schema/Ticket.js"

/** @since 0.1.0 */
export * as Organization from "./schema/Organization.js"

/** @since 0.1.0 */
export * as ConnectedAccount from "./schema/ConnectedAccount.js"

/** @since 0.1.0 */
export * as UserBlock from "./schema/UserBlock.js"

/** @since 0.1.0 */
export * as AuthenticationMethod from "./schema/AuthenticationMethod.js"

/** @since 0.1.0 */
export * as Session from "./schema/Session.js"

/** @since 0.1.0 */
export * as RefreshToken from "./schema/RefreshToken.js"
