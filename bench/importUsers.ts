/**
 * The users section 7 imports (`bench/userImport.ts`, `bench/userImportRun.ts`): user `i` is a pure
 * function of `i`, so the client can make them lazily, one at a time, and the parent can count what the
 * summary must say without keeping any of them. About 300 bytes of JSON each: an email, names, a bcrypt
 * `password_hash` of its own, a few metadata keys. 1% repeat an earlier user's email (Auth0 answers
 * `DUPLICATED_USER`, in the same file or a later one), 0.5% have an email that is not one (`FORMAT`).
 */
import type { ImportUser } from "../src/index.js"

const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Frances", "John"]
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Perlman", "Allen"]
const PLANS = ["free", "pro", "enterprise"]
const LOCALES = ["en-GB", "fr-FR", "de-DE", "pt-BR"]
const HASH_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** In the live-heap runs, a full GC and a sample of the heap every this many users. */
export const LIVE_EVERY = 2000

export type Kind = "valid" | "duplicate" | "invalid"

/** Every 100th user from the 50th repeats an earlier one; every 200th from the 17th has a broken email. */
export const kindOf = (i: number): Kind => (i % 100 === 50 ? "duplicate" : i % 200 === 17 ? "invalid" : "valid")

/**
 * The earlier user a duplicate repeats: 25 to 4,925 users back, so that it is sometimes in the same file and
 * often in an earlier one. Always a user that ends `% 100 === 25`, never itself a duplicate or invalid.
 */
const originalOf = (i: number): number => {
  const j = i - 25 - 100 * ((i * 37) % 50)
  return j >= 0 ? j : i - 25
}

/** A bcrypt hash in the shape Auth0 accepts (`$2b$10$` and 53 characters), different for every user. */
const bcrypt = (i: number): string => {
  let x = Math.imul(i + 1, 2654435761) >>> 0 || 1
  let hash = "$2b$10$"
  for (let k = 0; k < 53; k++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    hash += HASH_ALPHABET[(x >>> 0) & 63]
  }
  return hash
}

const person = (i: number, broken: boolean): ImportUser.ImportUser => {
  const first = FIRST[i % FIRST.length]!
  const last = LAST[(i * 7) % LAST.length]!
  const local = `${first.toLowerCase()}.${last.toLowerCase()}${i}`
  return {
    email: broken ? `${local}.example.com` : `${local}@example.com`,
    email_verified: i % 3 !== 0,
    given_name: first,
    family_name: last,
    name: `${first} ${last}`,
    password_hash: bcrypt(i),
    app_metadata: { plan: PLANS[i % PLANS.length]!, customer_id: `cus_${(i * 7919 + 104729).toString(36)}` },
    user_metadata: { locale: LOCALES[i % LOCALES.length]!, newsletter: i % 2 === 0 }
  }
}

/** User `i` of the import. */
export const userAt = (i: number): ImportUser.ImportUser => {
  const kind = kindOf(i)
  return kind === "duplicate" ? person(originalOf(i), false) : person(i, kind === "invalid")
}

/** What the summary of importing users 0 … n − 1 into a tenant that has none of them must say. */
export const expected = (n: number) => {
  let duplicates = 0
  let invalid = 0
  for (let i = 0; i < n; i++) {
    const kind = kindOf(i)
    if (kind === "duplicate") duplicates++
    else if (kind === "invalid") invalid++
  }
  return { inserted: n - duplicates - invalid, updated: 0, failed: duplicates + invalid, total: n, duplicates, invalid }
}
