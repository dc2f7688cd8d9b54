/**
 * `effect-auth0/testing`: an in-memory Auth0 tenant for your tests, demos and benchmarks.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as FakeAuth0 from "./FakeAuth0.js"
