/**
 * The parameters and bodies of the user operations, by Auth0's wire names so
 * that Auth0's docs apply as written.
 *
 * @since 0.1.0
 */
import type * as Redacted from "effect/Redacted"
import type * as Projection from "../internal/codec/projection.js"
import * as Query from "../Query.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface ProjectionParams extends Projection.ProjectionParams {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PageParams {
  /** 0-based page index. */
  readonly page?: number | undefined
  /** Page size, 1 to 100. Default 50. */
  readonly per_page?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ListParams extends ProjectionParams, PageParams {
  /** A search query: a `Query` (built from values, see the `Query` module), or text in Auth0's Lucene syntax; sent with `search_engine=v3`. */
  readonly q?: string | Query.Query | undefined
  /** `field:1` ascending or `field:-1` descending, e.g. `created_at:1`. */
  readonly sort?: string | undefined
  /** Default `v3` when `q` is given. */
  readonly search_engine?: "v1" | "v2" | "v3" | undefined
  /** Honoured by Auth0 only with `search_engine=v1`; with v3 use `q: 'identities.connection:"name"'`. */
  readonly connection?: string | undefined
  readonly primary_order?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface LogsParams extends PageParams {
  /** e.g. `date:-1`. */
  readonly sort?: string | undefined
}

type Metadata = Readonly<Record<string, unknown>>

/**
 * `POST /users` body (besides `connection`). Which fields a connection
 * requires depends on its type: a database connection needs `email` and
 * `password`. `password` may be `Redacted`; it is unwrapped only into the body.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreateBody {
  readonly email?: string | undefined
  readonly phone_number?: string | undefined
  readonly user_metadata?: Metadata | undefined
  readonly app_metadata?: Metadata | undefined
  readonly blocked?: boolean | undefined
  readonly email_verified?: boolean | undefined
  readonly phone_verified?: boolean | undefined
  readonly verify_email?: boolean | undefined
  readonly given_name?: string | undefined
  readonly family_name?: string | undefined
  readonly name?: string | undefined
  readonly nickname?: string | undefined
  readonly picture?: string | undefined
  readonly user_id?: string | undefined
  readonly password?: string | Redacted.Redacted<string> | undefined
  readonly username?: string | undefined
}

/**
 * `PATCH /users/{id}` body. Root fields are replaced; `app_metadata` and
 * `user_metadata` are merged one level deep by Auth0, a key set to `null`
 * removing it. `null` unsets a nullable root field.
 *
 * @since 0.1.0
 * @category models
 */
export interface UpdateBody {
  readonly blocked?: boolean | undefined
  readonly email_verified?: boolean | undefined
  readonly phone_verified?: boolean | undefined
  readonly email?: string | null | undefined
  readonly phone_number?: string | null | undefined
  readonly given_name?: string | null | undefined
  readonly family_name?: string | null | undefined
  readonly name?: string | null | undefined
  readonly nickname?: string | null | undefined
  readonly picture?: string | null | undefined
  readonly username?: string | null | undefined
  readonly password?: string | Redacted.Redacted<string> | null | undefined
  readonly user_metadata?: Metadata | undefined
  readonly app_metadata?: Metadata | undefined
  readonly verify_email?: boolean | undefined
  readonly verify_phone_number?: boolean | undefined
  /** Needed when changing the email, phone, username or password of a secondary identity. */
  readonly connection?: string | undefined
  readonly client_id?: string | undefined
}

/**
 * `POST /users/{id}/identities` body: the secondary account's ID token, or
 * (with a Management token) its provider and id.
 *
 * @since 0.1.0
 * @category models
 */
export type LinkBody =
  | { readonly link_with: string }
  | {
      readonly provider: string
      readonly user_id: string | number
      /** `con_` + 16 characters; needed when several database connections exist. */
      readonly connection_id?: string | undefined
    }

/**
 * One checkpoint page: after the cursor `from` (a page's `next`), `take` items (1 to 100, default 50).
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckpointParams {
  readonly from?: string | undefined
  readonly take?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CheckpointStreamParams {
  /** Items per request (`take`), 1 to 100. Default 100. */
  readonly take?: number | undefined
}

/**
 * A checkpoint page's query: `take` always sent, since without it Auth0 may answer another paging style.
 * Shared by the user operations; not re-exported by `Users`.
 *
 * @since 0.1.0
 * @category internal
 */
export const checkpointQuery = (params: CheckpointParams) => ({ from: params.from, take: params.take ?? 50 })

/**
 * `q` as sent: a `Query` rendered, a string as it is.
 * Shared by the user operations; not re-exported by `Users`.
 *
 * @since 0.1.0
 * @category internal
 */
export const queryText = (q: string | Query.Query | undefined): string | undefined =>
  q === undefined || typeof q === "string" ? q : Query.render(q)

/**
 * An offset page's query: `include_totals` always, so that the answer is the envelope, and Auth0's page size.
 * Shared by the user operations; not re-exported by `Users`.
 *
 * @since 0.1.0
 * @category internal
 */
export const pageQuery = (params: PageParams) => ({
  include_totals: true,
  page: params.page,
  per_page: params.per_page ?? 50
})

/**
 * An offset stream's paging options: pages of 100 unless asked, ending at the cap only with `stopAtCap`.
 * Shared by the user operations; not re-exported by `Users`.
 *
 * @since 0.1.0
 * @category internal
 */
export const cappedOptions = (params: {
  readonly per_page?: number | undefined
  readonly stopAtCap?: boolean | undefined
}) => ({ perPage: params.per_page ?? 100, stopAtCap: params.stopAtCap })
