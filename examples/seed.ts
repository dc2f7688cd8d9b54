/**
 * A believable tenant for the demo: a few thousand users over a database and
 * a social connection, with metadata, roles, MFA enrollments and log events.
 * Deterministic: the same tenant every run.
 */
import { Effect } from "effect"
import type { FakeAuth0 } from "../src/testing/index.js"

const FIRST = [
  "ada",
  "grace",
  "alan",
  "edsger",
  "barbara",
  "ken",
  "dennis",
  "margaret",
  "linus",
  "guido",
  "anders",
  "radia",
  "donald",
  "leslie",
  "frances",
  "john"
]
const LAST = [
  "lovelace",
  "hopper",
  "turing",
  "dijkstra",
  "liskov",
  "thompson",
  "ritchie",
  "hamilton",
  "torvalds",
  "rossum",
  "hejlsberg",
  "perlman",
  "knuth",
  "lamport",
  "allen",
  "backus"
]
const DOMAINS = ["example.com", "example.org", "acme.test", "initech.test"]
const PLANS = ["free", "pro", "gold"]
const ROLES = [
  { id: "rol_Adm1nistrat0rXyZ", name: "admin", description: "Full access" },
  { id: "rol_Supp0rtAgentAbCd", name: "support", description: "Reads users, resets MFA" },
  { id: "rol_B1ll1ngManagerQ1", name: "billing", description: "Manages subscriptions" }
]
const LOG_TYPES = [
  { type: "s", description: "Success Login" },
  { type: "f", description: "Wrong email or password." },
  { type: "scp", description: "Success Change Password" },
  { type: "gd_enrollment_complete", description: "Guardian enrollment complete" }
]

export const DATABASE = "Username-Password-Authentication"
/** The fake tenant's id of that connection, as `Users.import` and `Users.export` take it. */
export const DATABASE_ID = "con_ftSSLHb0O7rcUGmF"
export const SOCIAL = "google-oauth2"

/** Seed `count` users; returns the ids the tour starts from. */
export const seedTenant = (tenant: FakeAuth0.Tenant.Service, count = 3000) =>
  Effect.gen(function* () {
    yield* tenant.seedRoles(ROLES)
    const start = Date.UTC(2023, 0, 1)
    const span = Date.UTC(2026, 10, 1) - start
    const users = Array.from({ length: count }, (_, i) => {
      const first = FIRST[i % FIRST.length]!
      const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!
      const social = i % 5 === 4
      const logins = (i * 37) % 250
      return {
        connection: social ? SOCIAL : DATABASE,
        email: `${first}.${last}${i}@${DOMAINS[i % DOMAINS.length]}`,
        email_verified: i % 7 !== 0,
        given_name: first[0]!.toUpperCase() + first.slice(1),
        family_name: last[0]!.toUpperCase() + last.slice(1),
        name: `${first} ${last}`,
        created_at: new Date(start + Math.floor((span * i) / count)).toISOString(),
        ...(logins > 0 ? { logins_count: logins } : {}),
        app_metadata: { plan: PLANS[i % PLANS.length]!, ...(i % 50 === 0 ? { admin: true } : {}) },
        user_metadata: { locale: i % 3 === 0 ? "fr-FR" : "en-GB" },
        ...(i % 10 === 0 ? { multifactor: ["google-authenticator"] } : {})
      }
    })
    const seeded = yield* tenant.seedUsers(users)
    for (const [i, user] of seeded.entries()) {
      if (i % 50 === 0) yield* tenant.assignRoles(user.user_id, [ROLES[0]!.id])
      if (i % 3 === 1) yield* tenant.assignRoles(user.user_id, [ROLES[1]!.id])
      if (i % 6 === 1) yield* tenant.assignRoles(user.user_id, [ROLES[2]!.id])
      if (i % 10 === 0) {
        yield* tenant.seedEnrollments(user.user_id, [
          {
            id: `dev_${user.user_id.slice(-16)}`,
            status: "confirmed",
            type: "authenticator",
            auth_method: "authenticator",
            enrolled_at: String(user.created_at)
          }
        ])
      }
      {
        yield* tenant.seedLogs(
          user.user_id,
          Array.from({ length: 3 + (i % 5) }, (_, k) => ({
            ...LOG_TYPES[(i + k) % LOG_TYPES.length]!,
            date: new Date(Date.parse(String(user.created_at)) + (k + 1) * 86_400_000).toISOString(),
            connection: String(users[i]!.connection),
            client_name: "Acme Dashboard"
          }))
        )
      }
    }
    return seeded
  })
