/**
 * Streams over Auth0's offset paging that know its 1000-result cap: they page
 * until the end and fail with `LimitExceeded` rather than end quietly with
 * results missing, and checkpoint streams that follow `next`; `stream` picks
 * by the endpoint's declared paging. (`Users.stream` walks by keyset
 * instead: see keyset.ts.)
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"
import * as Auth0Http from "../Auth0Http.js"
import type * as Endpoint from "../Endpoint.js"
import * as Path from "./path.js"

export const CAP = 1000

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly start: number
  readonly limit: number
  readonly length: number
  readonly total?: number | undefined
}

/** Whether more results follow this page. Without `total`, a full page means "maybe". */
const hasMore = (page: Page<unknown>): boolean =>
  page.length > 0 && (page.total !== undefined ? page.start + page.length < page.total : page.length >= page.limit)

interface PagingOptions {
  readonly perPage: number
  readonly stopAtCap: boolean
  readonly limitExceeded: (total: number) => Auth0Error.LimitExceeded
}

/**
 * The page after `current` (the `page`th, 0-based), or `None` at the end.
 * When it would start past the cap and results remain: `None` if
 * `stopAtCap`, else a failure with `LimitExceeded`.
 */
const following = <A, E, R>(
  current: Page<A>,
  page: number,
  fetch: (page: number) => Effect.Effect<Page<A>, E, R>,
  options: PagingOptions
): Option.Option<Effect.Effect<Page<A>, E | Auth0Error.LimitExceeded, R>> => {
  if (!hasMore(current)) return Option.none()
  const next = page + 1
  if (next * options.perPage + options.perPage > CAP) {
    return options.stopAtCap ? Option.none() : Option.some(Effect.fail(options.limitExceeded(current.total ?? CAP)))
  }
  return Option.some(fetch(next))
}

/** Every page from `first` on (see `following` for the cap). */
export const pagesFrom = <A, E, R>(
  first: Page<A>,
  fetch: (page: number) => Effect.Effect<Page<A>, E, R>,
  options: PagingOptions
): Stream.Stream<A, E | Auth0Error.LimitExceeded, R> =>
  Stream.paginateChunkEffect(
    { page: 0, current: first },
    ({
      current,
      page
    }): Effect.Effect<
      readonly [Chunk.Chunk<A>, Option.Option<{ page: number; current: Page<A> }>],
      E | Auth0Error.LimitExceeded,
      R
    > => {
      const items = Chunk.unsafeFromArray(current.items)
      return Option.match(following(current, page, fetch, options), {
        onNone: () => Effect.succeed([items, Option.none()] as const),
        onSome: (next) =>
          Effect.map(next, (fetched) => [items, Option.some({ page: page + 1, current: fetched })] as const)
      })
    }
  )

/** `q` AND `clause`, `q` parenthesised so that its own ORs stay inside. */
export const and = (q: string | undefined, clause: string): string =>
  q === undefined || q.trim() === "" ? clause : `(${q}) AND ${clause}`

/** The wire names of offset paging that a stream sets on each page's query. */
interface OffsetQuery {
  readonly page: number
  readonly per_page: number
  readonly include_totals: true
}

export interface StreamOptions {
  /** Items per page: `per_page` of offset paging, `take` of checkpoint paging. Default 100. */
  readonly perPage?: number | undefined
  /** Offset paging: end quietly at Auth0's 1000-result cap instead of failing with `LimitExceeded`. */
  readonly stopAtCap?: boolean | undefined
}

type Item<E extends Endpoint.Any> = Schema.Schema.Type<E["response"]>

/**
 * Every item of a paged endpoint, as its declared paging walks it: offset
 * pages up to the cap, each item once by the paging's `key` (an item added
 * before the current offset shifts the rest down a page and would come
 * again; within the cap, the keys held stay bounded), or checkpoint pages
 * from `next` to `next` until a page names none.
 */
export const stream = <E extends Endpoint.Any>(
  endpoint: E,
  input: Endpoint.Input<E>,
  options: StreamOptions = {}
): Stream.Stream<Item<E>, Auth0Error.For<Endpoint.Errors<E>> | Auth0Error.LimitExceeded, Auth0Http.Auth0Http> => {
  const paging = endpoint.paging
  const perPage = options.perPage ?? 100
  // A page of a paged endpoint is a record with its items under `paging.items` (see codec/page.ts).
  const call = (query: object) =>
    Auth0Http.request(endpoint, {
      ...input,
      query: { ...(input.query as object | undefined), ...query }
    } as Endpoint.Input<E>) as Effect.Effect<
      Readonly<Record<string, unknown>>,
      Auth0Error.For<Endpoint.Errors<E>>,
      Auth0Http.Auth0Http
    >
  const path = Path.apiPath(endpoint.path, (input.params ?? {}) as Readonly<Record<string, string>>)
  const route = `/api/v2${endpoint.path}`
  if (paging.kind === "checkpoint") {
    return Stream.paginateChunkEffect(undefined as string | undefined, (from) =>
      Effect.flatMap(call(from === undefined ? { take: perPage } : { from, take: perPage }), (page) => {
        const items = page[paging.items] as ReadonlyArray<Item<E>>
        const next = items.length > 0 && typeof page.next === "string" ? page.next : undefined
        // A page that names the cursor it was asked for would be asked for again, forever.
        if (next !== undefined && next === from) {
          return Effect.fail(
            new Auth0Error.DecodeError({
              method: endpoint.method,
              path,
              route,
              status: 200,
              detail: "the checkpoint page named as next the cursor it was asked for, so paging would not end"
            })
          )
        }
        return Effect.succeed([Chunk.unsafeFromArray(items), Option.fromNullable(next)] as const)
      })
    )
  }
  if (paging.kind !== "offset") return Stream.dieMessage(`${endpoint.name} is not a paged endpoint`)
  const fetch = (page: number): Effect.Effect<Page<Item<E>>, Auth0Error.For<Endpoint.Errors<E>>, Auth0Http.Auth0Http> =>
    Effect.map(
      call({ page, per_page: perPage, include_totals: true } satisfies OffsetQuery),
      (p) => ({ ...p, items: p[paging.items] }) as unknown as Page<Item<E>>
    )
  const key = paging.key
  return Stream.unwrap(
    Effect.map(fetch(0), (first) => {
      const seen = new Set<unknown>()
      const pages = pagesFrom(first, fetch, {
        perPage,
        stopAtCap: options.stopAtCap === true,
        limitExceeded: (total) =>
          new Auth0Error.LimitExceeded({
            method: endpoint.method,
            path,
            route,
            total,
            scope: route,
            detail: `${total} results, and Auth0 lists only the first 1000; pass stopAtCap: true to end there`
          })
      })
      return key === undefined
        ? pages
        : Stream.filter(pages, (item) => {
            const id = (item as Record<string, unknown>)[key]
            if (seen.has(id)) return false
            seen.add(id)
            return true
          })
    })
  )
}
