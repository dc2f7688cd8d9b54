/**
 * The fake tenant's rate limits: token buckets per endpoint class, as Auth0's self-service plans
 * have them, each answer carrying the headers of the bucket that served it.
 */
import type * as Endpoint from "../../Endpoint.js"
import * as Registry from "../../internal/registry.js"

/** One token bucket: Auth0's "burst limit" is its size, the "sustained limit" its refill rate. */
export interface BucketOptions {
  /** Bucket size. */
  readonly burst: number
  /** Tokens added back per second (Auth0's per-minute figures: divide by 60). */
  readonly perSecond: number
}

/** One bucket for every Management API request. */
export interface RateLimitOptions extends BucketOptions {
  /** Send `Retry-After` on 429s (Auth0's Management API usually does not). Default false. */
  readonly retryAfter?: boolean | undefined
}

/**
 * The Management API's buckets as a self-service plan has them: "Read Users", "Write Users" and
 * "All other Endpoints Combined" (`global`); each endpoint's declaration names its bucket.
 */
export type RateLimitBucket = Endpoint.Bucket

/**
 * A bucket per endpoint class. A class left out spends from `global`; with `global` left out too,
 * its requests are not limited. A request spends from one bucket only: on Auth0's Essentials and
 * Professional plans Read Users is 40 / 500 per minute against a combined 10 / 150 for everything
 * else, which only makes sense if reads do not also spend from that combined bucket.
 */
export interface BucketRateLimitOptions {
  readonly buckets: { readonly [K in RateLimitBucket]?: BucketOptions | undefined }
  /** Send `Retry-After` on 429s (Auth0's Management API usually does not). Default false. */
  readonly retryAfter?: boolean | undefined
}

/** What a bucket holds at one moment, as its `X-RateLimit-*` headers say it. */
export interface BucketState {
  readonly limit: number
  readonly remaining: number
  /** UNIX time in seconds when the next token comes back (now when the bucket is full). */
  readonly reset: number
}

/**
 * The bucket a Management API request spends from, by method and path (relative to `/api/v2`):
 * the one its endpoint's declaration names. A request that matches no endpoint spends as its
 * neighbours would (reads under `/users` from Read Users, other methods there from Write Users),
 * and anything else from "All other Endpoints Combined". `/oauth/token` is the Authentication
 * API, with buckets of its own, and never comes here.
 */
export const bucketOf = (method: string, path: string): RateLimitBucket => {
  const declared = Registry.lookup(method, path)
  if (declared !== undefined) return declared.bucket
  const users = path === "/users" || path === "/users-by-email" || path.startsWith("/users/")
  if (!users) return "global"
  return method === "GET" || method === "HEAD" ? "readUsers" : "writeUsers"
}

const BUCKET_NAMES: ReadonlyArray<RateLimitBucket> = ["readUsers", "writeUsers", "global"]

/**
 * The 429 message, naming the bucket as Auth0 does. "Global limit has been reached" is recorded for
 * the global bucket and "Global per second users_write group limit has been reached" for writes;
 * the `users_read` one is modelled on the latter.
 */
const limitMessage = (bucket: RateLimitBucket): string =>
  bucket === "global"
    ? "Global limit has been reached"
    : `Global per second ${bucket === "readUsers" ? "users_read" : "users_write"} group limit has been reached`

type Options = RateLimitOptions | BucketRateLimitOptions | false

/** The buckets of one tenant. Tokens are kept across a change of options, capped at the new size. */
export class Buckets {
  private readonly tokens = new Map<RateLimitBucket, { tokens: number; at: number }>()

  constructor(public options: Options) {}

  /** Whether 429s carry `Retry-After`. */
  get retryAfter(): boolean {
    return this.options !== false && this.options.retryAfter === true
  }

  /** The bucket that serves requests of class `bucket` now; undefined when they are not limited. */
  private serving(
    bucket: RateLimitBucket
  ): { readonly name: RateLimitBucket; readonly options: BucketOptions } | undefined {
    const options = this.options
    if (options === false) return undefined
    // The single-bucket form is one global bucket that every class falls into.
    if (!("buckets" in options)) return { name: "global", options }
    const own = options.buckets[bucket]
    if (own !== undefined) return { name: bucket, options: own }
    const global = options.buckets.global
    return global === undefined ? undefined : { name: "global", options: global }
  }

  private refill(served: { readonly name: RateLimitBucket; readonly options: BucketOptions }, now: number) {
    const { burst, perSecond } = served.options
    const b = this.tokens.get(served.name) ?? { tokens: burst, at: now }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond)
    b.at = now
    this.tokens.set(served.name, b)
    const missing = b.tokens >= burst ? 0 : 1 - (b.tokens % 1)
    const state: BucketState = {
      limit: burst,
      remaining: Math.floor(b.tokens),
      reset: Math.ceil((now + (missing / perSecond) * 1000) / 1000)
    }
    return { bucket: b, state }
  }

  /** The global bucket as of `now` (in the single-bucket form, the one bucket); undefined when there is none. */
  state(now: number): BucketState | undefined {
    const served = this.serving("global")
    return served === undefined ? undefined : this.refill(served, now).state
  }

  /** Every bucket there is, as of `now`, refilled; the single-bucket form is one, `global`. */
  states(now: number): Partial<Record<RateLimitBucket, BucketState>> {
    const states: Partial<Record<RateLimitBucket, BucketState>> = {}
    for (const name of BUCKET_NAMES) {
      const served = this.serving(name)
      if (served !== undefined && served.name === name) states[name] = this.refill(served, now).state
    }
    return states
  }

  /** Spend a token of the bucket serving `bucket`; false when it is empty. */
  take(bucket: RateLimitBucket, now: number): boolean {
    const served = this.serving(bucket)
    if (served === undefined) return true
    const { bucket: b } = this.refill(served, now)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  /** The headers of the bucket that serves class `bucket`, so each answer describes its own bucket. */
  headers(bucket: RateLimitBucket, now: number): Record<string, string> {
    const served = this.serving(bucket)
    if (served === undefined) return {}
    const { state } = this.refill(served, now)
    return {
      "x-ratelimit-limit": String(state.limit),
      "x-ratelimit-remaining": String(state.remaining),
      "x-ratelimit-reset": String(state.reset)
    }
  }

  /** The name a 429 gives: the bucket that ran dry (or, for an injected one, that would serve it). */
  message(bucket: RateLimitBucket): string {
    return limitMessage(this.serving(bucket)?.name ?? "global")
  }
}
