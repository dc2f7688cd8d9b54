/**
 * Streams over Auth0's offset paging that know its 1000-result cap: they page
 * until the end, split a user search into `created_at` ranges when it matches
 * more than the cap, and fail with `LimitExceeded` rather than end quietly
 * with results missing.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"

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

/**
 * Every page from `first` on. When the next page would start past the cap and
 * results remain: end if `stopAtCap`, else fail with `LimitExceeded`.
 */
export const pagesFrom = <A, E, R>(
  first: Page<A>,
  fetch: (page: number) => Effect.Effect<Page<A>, E, R>,
  options: {
    readonly perPage: number
    readonly stopAtCap: boolean
    readonly limitExceeded: (total: number) => Auth0Error.LimitExceeded
  }
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
      if (!hasMore(current)) return Effect.succeed([items, Option.none()] as const)
      const next = page + 1
      if (next * options.perPage + options.perPage > CAP) {
        return options.stopAtCap
          ? Effect.succeed([items, Option.none()] as const)
          : Effect.fail(options.limitExceeded(current.total ?? CAP))
      }
      return Effect.map(fetch(next), (fetched) => [items, Option.some({ page: next, current: fetched })] as const)
    }
  )

/** A created_at range `[from, to)` in epoch milliseconds, as a v3 query clause. */
export const createdBetween = (from: number, to: number): string =>
  `created_at:["${new Date(from).toISOString()}" TO "${new Date(to).toISOString()}"}`

export const and = (q: string | undefined, clause: string): string =>
  q === undefined || q.trim() === "" ? clause : `(${q}) AND ${clause}`

/**
 * Deliver every result of a query that may match more than the cap: if one
 * query fits, page through it; else halve the `[from, to)` created_at range
 * until each half fits, and concatenate the halves in the requested order. A
 * range of one millisecond that still does not fit fails with
 * `LimitExceeded`.
 */
export const splitByCreatedAt = <A, E, R>(options: {
  readonly q: string | undefined
  readonly descending: boolean
  readonly perPage: number
  /** One page of `q` (0-based). */
  readonly fetch: (q: string | undefined, page: number) => Effect.Effect<Page<A>, E, R>
  /** The created_at of the oldest and newest match, when there are any. */
  readonly bounds: Effect.Effect<Option.Option<readonly [number, number]>, E, R>
  readonly limitExceeded: (q: string, total: number, detail: string) => Auth0Error.LimitExceeded
}): Stream.Stream<A, E | Auth0Error.LimitExceeded, R> => {
  const fits = (page: Page<A>) => page.total !== undefined && page.total < CAP

  const pages = (q: string | undefined, first: Page<A>) =>
    pagesFrom(first, (page) => options.fetch(q, page), {
      perPage: options.perPage,
      stopAtCap: false,
      limitExceeded: (total) => options.limitExceeded(q ?? "", total, "the page walk reached the cap")
    })

  const range = (from: number, to: number): Stream.Stream<A, E | Auth0Error.LimitExceeded, R> =>
    Stream.unwrap(
      Effect.map(options.fetch(and(options.q, createdBetween(from, to)), 0), (first) => {
        const q = and(options.q, createdBetween(from, to))
        if (fits(first)) return pages(q, first)
        if (to - from <= 1) {
          return Stream.fail(
            options.limitExceeded(
              q,
              first.total ?? CAP,
              "more users were created in one millisecond than one query can list"
            )
          )
        }
        const mid = from + Math.floor((to - from) / 2)
        return options.descending
          ? Stream.concat(range(mid, to), range(from, mid))
          : Stream.concat(range(from, mid), range(mid, to))
      })
    )

  return Stream.unwrap(
    Effect.gen(function* () {
      const first = yield* options.fetch(options.q, 0)
      if (fits(first)) return pages(options.q, first)
      const bounds = yield* options.bounds
      if (Option.isNone(bounds)) return pages(options.q, first)
      const [oldest, newest] = bounds.value
      return range(oldest, newest + 1)
    })
  )
}
