/**
 * One Management API endpoint, declared once: its method, path template,
 * query, body and response, success status, paging, documented errors,
 * retry safety, scopes and rate-limit bucket. Every operation of the library
 * is such a declaration and a few lines; the fake tenant routes by the same
 * declarations. Declare an endpoint the library lacks with `make` and call it
 * with `Auth0Http.request`: it gets the same tokens, retries, pacing, errors
 * and spans.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type * as Auth0Error from "./Auth0Error.js"
import * as Registry from "./internal/registry.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE"

/**
 * The Management API's rate-limit buckets as Auth0's self-service plans have them: "Read Users",
 * "Write Users" and "All other Endpoints Combined" (`global`). Auth0 links Read Users to
 * `GET /users` only; that reads of one user and of its sub-resources count there too is an
 * assumption (user logs are a read of a user, not the tenant's `/logs` of the Read Logs bucket).
 * Auth0's table has `POST,PATCH` and `DELETE` on two Write Users rows with the same figures and
 * does not say whether they share a bucket: one shared bucket is the stricter guess. On plans
 * without these buckets (Enterprise, Free) every class is one global bucket, which the pacers of
 * the classes then share as pacers of several processes do.
 *
 * @since 0.1.0
 * @category models
 */
export type Bucket = "readUsers" | "writeUsers" | "global"

/**
 * The names of a path template's `{name}` segments: `"/users/{id}/multifactor/{provider}"` gives `"id" | "provider"`.
 *
 * @since 0.1.0
 * @category models
 */
export type PathParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamNames<Rest>
  : never

/**
 * The values a path template needs, one per `{name}` segment, so that a missing or misspelled one does not
 * compile; a template only known as `string` takes any.
 *
 * @since 0.1.0
 * @category models
 */
export type PathParams<Path extends string> = string extends Path
  ? Readonly<Record<string, string>>
  : { readonly [K in PathParamNames<Path>]: string }

/**
 * A query value as it goes on the wire; `undefined` ones are left out.
 *
 * @since 0.1.0
 * @category models
 */
export type QueryValue = string | number | boolean | undefined

/**
 * @since 0.1.0
 * @category models
 */
export type QueryRecord = Readonly<Record<string, QueryValue>>

/**
 * How the items of a list come: all in one answer (`none`); in offset pages
 * (`page`, `per_page`, `include_totals`) whose `include_totals` envelope holds
 * them under `items`, with its keys in Auth0's order; or in checkpoint pages
 * (`from`, `take`) that name the `next` one.
 *
 * @since 0.1.0
 * @category models
 */
export type Paging = NoPaging | OffsetPaging | CheckpointPaging

/**
 * @since 0.1.0
 * @category models
 */
export interface NoPaging {
  readonly kind: "none"
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OffsetPaging<Items extends string = string> {
  readonly kind: "offset"
  readonly items: Items
  /** The envelope's keys in the order Auth0 writes them (the fake answers in this order). */
  readonly envelope: ReadonlyArray<"start" | "limit" | "length" | "total" | Items>
  /** The property that tells items apart, so that a stream delivers each once when pages shift. */
  readonly key?: string | undefined
  /** The smallest `per_page` Auth0 accepts (`/users` takes 0). */
  readonly minPerPage?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CheckpointPaging<Items extends string = string> {
  readonly kind: "checkpoint"
  readonly items: Items
}

/**
 * Offset paging with its envelope, as `Endpoint.make` takes it.
 *
 * @example
 * ```ts
 * import { Endpoint } from "effect-auth0"
 * const paging = Endpoint.offset("logs", ["start", "limit", "length", "total", "logs"], { key: "log_id" })
 * ```
 *
 * @since 0.1.0
 * @category paging
 */
export const offset = <const Items extends string>(
  items: Items,
  envelope: ReadonlyArray<"start" | "limit" | "length" | "total" | Items>,
  options: { readonly key?: string; readonly minPerPage?: number } = {}
): OffsetPaging<Items> => ({ kind: "offset", items, envelope, ...options })

/**
 * Checkpoint paging (`from`, `take`, `next`) with the key of its items.
 *
 * @example
 * ```ts
 * import { Endpoint } from "effect-auth0"
 * const paging = Endpoint.checkpoint("sessions")
 * ```
 *
 * @since 0.1.0
 * @category paging
 */
export const checkpoint = <const Items extends string>(items: Items): CheckpointPaging<Items> => ({
  kind: "checkpoint",
  items
})

/**
 * One offset page, read the same whether Auth0 sent its `include_totals`
 * envelope or a bare array: `start` is the offset of the first item, `limit`
 * the page size, `length` the items in it, `total` the matches when Auth0 says.
 *
 * @since 0.1.0
 * @category models
 */
export type OffsetPage<Items extends string, A> = {
  readonly start: number
  readonly limit: number
  readonly length: number
  readonly total?: number
} & { readonly [K in Items]: ReadonlyArray<A> }

/**
 * One checkpoint page; `next` is absent on the last one.
 *
 * @since 0.1.0
 * @category models
 */
export type CheckpointPage<Items extends string, A> = { readonly next?: string } & {
  readonly [K in Items]: ReadonlyArray<A>
}

/**
 * The type of a query, carried by the declaration (nothing at run time).
 *
 * @since 0.1.0
 * @category models
 */
export interface QueryType<Q> {
  readonly _Query?: (query: Q) => void
}

/**
 * A body's kind and type.
 *
 * @since 0.1.0
 * @category models
 */
export interface BodyType<B> {
  readonly kind: "json" | "multipart"
  readonly _Body?: (body: B) => void
}

/**
 * The query an endpoint takes, by its wire names.
 *
 * @example
 * ```ts
 * import { Endpoint } from "effect-auth0"
 * const query = Endpoint.query<{ readonly from?: string; readonly take?: number }>()
 * ```
 *
 * @since 0.1.0
 * @category declarations
 */
export const query = <Q extends object>(): QueryType<Q> => ({})

/**
 * A JSON body of type `B`.
 *
 * @example
 * ```ts
 * import { Endpoint } from "effect-auth0"
 * const body = Endpoint.json<{ readonly blocked: boolean }>()
 * ```
 *
 * @since 0.1.0
 * @category declarations
 */
export const json = <B>(): BodyType<B> => ({ kind: "json" })

/**
 * A file of a multipart body given as bytes (`Endpoint.file`), sent with its
 * name and content type. Unlike a `Blob`, whose memory Node keeps outside what
 * V8 counts, bytes are an `ArrayBuffer` the garbage collector knows the size of.
 *
 * @since 0.1.0
 * @category models
 */
export interface FilePart {
  readonly _tag: "FilePart"
  readonly filename: string
  readonly type: string
  readonly bytes: Uint8Array
}

/**
 * A file for a multipart body, from its bytes.
 *
 * @example
 * ```ts
 * import { Endpoint } from "effect-auth0"
 * const users = Endpoint.file(new TextEncoder().encode('[{"email":"a@example.com"}]'), {
 *   filename: "users.json",
 *   type: "application/json"
 * })
 * ```
 *
 * @since 0.1.0
 * @category declarations
 */
export const file = (
  bytes: Uint8Array,
  options: { readonly filename: string; readonly type?: string | undefined }
): FilePart => ({
  _tag: "FilePart",
  filename: options.filename,
  type: options.type ?? "application/octet-stream",
  bytes
})

/**
 * A `multipart/form-data` body: each property a field, a `Blob` or an
 * `Endpoint.file` a file.
 *
 * @example
 * ```ts
 * import { Endpoint } from "effect-auth0"
 * const body = Endpoint.multipart<{ readonly users: Blob; readonly connection_id: string }>()
 * ```
 *
 * @since 0.1.0
 * @category declarations
 */
export const multipart = <B extends Readonly<Record<string, string | Blob | FilePart | undefined>>>(): BodyType<B> => ({
  kind: "multipart"
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Endpoint<
  Path extends string = string,
  S extends Schema.Schema.AnyNoContext = Schema.Schema.AnyNoContext,
  Q = unknown,
  B = unknown,
  Extra extends Auth0Error.SpecificTag = Auth0Error.SpecificTag,
  P extends Paging = Paging
> {
  /** The public operation, also its span name. */
  readonly name: string
  readonly method: Method
  /** Relative to `/api/v2`; `{name}` marks a segment that comes from the caller. */
  readonly path: Path
  readonly success: 200 | 201 | 202 | 204
  /**
   * Whether sending it again after a 5xx, a timeout or a lost answer is safe: a read, a delete or a
   * POST that changes nothing a second time would not. The retry rule reads this.
   */
  readonly retrySafe: boolean
  /** The statuses beyond the common ones that this endpoint documents. */
  readonly errors: ReadonlyArray<Extra>
  /** Any one of these grants access. */
  readonly scopes: ReadonlyArray<string>
  /** The rate-limit bucket that serves it: the client paces each bucket on its own, the fake limits it. */
  readonly bucket: Bucket
  readonly body: "none" | "json" | "multipart"
  /** The answer's schema; for a paged endpoint, the schema of one item. */
  readonly response: S
  readonly paging: P
  readonly "~types"?: { readonly query: Q; readonly body: B }
}

/**
 * Any declaration.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Endpoint<string, Schema.Schema.AnyNoContext, unknown, unknown, Auth0Error.SpecificTag, Paging>

/**
 * What a call of `E` succeeds with: its response, or for a paged endpoint one page.
 *
 * @since 0.1.0
 * @category models
 */
export type Success<E extends Any> =
  E["paging"] extends OffsetPaging<infer Items>
    ? OffsetPage<Items, Schema.Schema.Type<E["response"]>>
    : E["paging"] extends CheckpointPaging<infer Items>
      ? CheckpointPage<Items, Schema.Schema.Type<E["response"]>>
      : Schema.Schema.Type<E["response"]>

/**
 * The endpoint-specific failures of `E` (beyond the common ones).
 *
 * @since 0.1.0
 * @category models
 */
export type Errors<E extends Any> = E["errors"][number]

type ParamsPart<Path extends string> = string extends Path
  ? {
      /** Values for the `{name}` segments of the endpoint's path; each is percent-encoded. */
      readonly params?: Readonly<Record<string, string>> | undefined
    }
  : [PathParamNames<Path>] extends [never]
    ? { readonly params?: Readonly<Record<string, never>> | undefined }
    : {
        /** Values for the `{name}` segments of the endpoint's path, one per segment; each is percent-encoded. */
        readonly params: PathParams<Path>
      }

type TypesOf<E extends Any> = NonNullable<E["~types"]>

/**
 * What a call of `E` takes: the path's values, the query and the body.
 *
 * @since 0.1.0
 * @category models
 */
export type Input<E extends Any> = ParamsPart<E["path"]> & {
  /** Query parameters; `undefined` ones are left out. */
  readonly query?: TypesOf<E>["query"] | undefined
} & ([TypesOf<E>["body"]] extends [never]
    ? { readonly body?: undefined }
    : undefined extends TypesOf<E>["body"]
      ? { readonly body?: TypesOf<E>["body"] }
      : { readonly body: TypesOf<E>["body"] })

/**
 * Declare an endpoint. Leave out `response` for an answer you do not read,
 * `query` and `body` for an endpoint that takes none, `errors` when it
 * documents only the common ones, `paging` when it is not a list.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Endpoint } from "effect-auth0"
 * const activeUsers = Endpoint.make({
 *   name: "Stats.activeUsers",
 *   method: "GET",
 *   path: "/stats/active-users",
 *   success: 200,
 *   retrySafe: true,
 *   scopes: ["read:stats"],
 *   bucket: "global",
 *   response: Schema.Number
 * })
 * ```
 *
 * @since 0.1.0
 * @category declarations
 */
export const make = <
  const Path extends string,
  S extends Schema.Schema.AnyNoContext = typeof Schema.Unknown,
  Q extends object = never,
  B = never,
  const Extra extends Auth0Error.SpecificTag = never,
  const P extends Paging = NoPaging
>(declaration: {
  readonly name: string
  readonly method: Method
  readonly path: Path
  readonly success: 200 | 201 | 202 | 204
  readonly retrySafe: boolean
  readonly errors?: ReadonlyArray<Extra>
  readonly scopes: ReadonlyArray<string>
  readonly bucket: Bucket
  readonly query?: QueryType<Q>
  readonly body?: BodyType<B>
  readonly response?: S
  readonly paging?: P
}): Endpoint<Path, S, Q, B, Extra, P> => {
  const endpoint: Endpoint<Path, S, Q, B, Extra, P> = {
    name: declaration.name,
    method: declaration.method,
    path: declaration.path,
    success: declaration.success,
    retrySafe: declaration.retrySafe,
    errors: declaration.errors ?? [],
    scopes: declaration.scopes,
    bucket: declaration.bucket,
    body: declaration.body?.kind ?? "none",
    response: declaration.response ?? (Schema.Unknown as unknown as S),
    paging: declaration.paging ?? ({ kind: "none" } as P)
  }
  // Known by method and path to the retry rule (which sees only a failed request) and to the fake's limiter.
  Registry.register(endpoint)
  return endpoint
}
