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
import * as Merge from "./merge.js"

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

/** The same pages as a `Merge.Run`, which fetches each only when the one before is used up. */
const runFrom = <A, E, R>(
  current: Page<A>,
  page: number,
  fetch: (page: number) => Effect.Effect<Page<A>, E, R>,
  options: PagingOptions
): Merge.Run<A, E | Auth0Error.LimitExceeded, R> => ({
  items: current.items,
  rest: Option.map(following(current, page, fetch, options), (next) =>
    Effect.map(next, (fetched) => runFrom(fetched, page + 1, fetch, options))
  )
})

/** A created_at range `[from, to)` in epoch milliseconds, as a v3 query clause. */
export const createdBetween = (from: number, to: number): string =>
  `created_at:["${new Date(from).toISOString()}" TO "${new Date(to).toISOString()}"}`

export const and = (q: string | undefined, clause: string): string =>
  q === undefined || q.trim() === "" ? clause : `(${q}) AND ${clause}`

/** A created_at range whose first page fits under the cap, or the points to halve it at. */
type Probed<A> =
  | { readonly _tag: "Fits"; readonly q: string; readonly first: Page<A> }
  | { readonly _tag: "Split"; readonly halves: readonly [from: number, mid: number, to: number] }

/**
 * Deliver every result of a query that may match more than the cap: if one
 * query fits, page through it; else halve the `[from, to)` created_at range
 * until each half fits. Without `compare` (the query sorts by created_at),
 * the ranges are concatenated in the requested order, one after the other.
 * With `compare` (any other sort, each range query sorted by it), every
 * range is probed first, then their pages are merged by `compare`: k ranges
 * hold one page each. A range of one millisecond that still does not fit
 * fails with `LimitExceeded`.
 */
export const splitByCreatedAt = <A, E, R>(options: {
  readonly q: string | undefined
  readonly descending: boolean
  readonly perPage: number
  /** One page of `q` (0-based), in the requested sort. */
  readonly fetch: (q: string | undefined, page: number) => Effect.Effect<Page<A>, E, R>
  /** The created_at of the oldest and newest match, when there are any. */
  readonly bounds: Effect.Effect<Option.Option<readonly [number, number]>, E, R>
  readonly limitExceeded: (q: string, total: number, detail: string) => Auth0Error.LimitExceeded
  /** The requested sort, when it is not by created_at: merge the ranges by it. */
  readonly compare?: ((a: A, b: A) => number) | undefined
}): Stream.Stream<A, E | Auth0Error.LimitExceeded, R> => {
  const fits = (page: Page<A>) => page.total !== undefined && page.total < CAP

  const paging = (q: string | undefined): PagingOptions => ({
    perPage: options.perPage,
    stopAtCap: false,
    limitExceeded: (total) => options.limitExceeded(q ?? "", total, "the page walk reached the cap")
  })
  const pages = (q: string | undefined, first: Page<A>) => pagesFrom(first, (page) => options.fetch(q, page), paging(q))

  /** The first page of `[from, to)` when it fits, else the two halves to try instead. */
  const probe = (from: number, to: number): Effect.Effect<Probed<A>, E | Auth0Error.LimitExceeded, R> => {
    const q = and(options.q, createdBetween(from, to))
    return Effect.flatMap(options.fetch(q, 0), (first) => {
      if (fits(first)) return Effect.succeed<Probed<A>>({ _tag: "Fits", q, first })
      if (to - from <= 1) {
        return Effect.fail(
          options.limitExceeded(
            q,
            first.total ?? CAP,
            "more users were created in one millisecond than one query can list"
          )
        )
      }
      const mid = from + Math.floor((to - from) / 2)
      return Effect.succeed<Probed<A>>({ _tag: "Split", halves: [from, mid, to] })
    })
  }

  const range = (from: number, to: number): Stream.Stream<A, E | Auth0Error.LimitExceeded, R> =>
    Stream.unwrap(
      Effect.map(probe(from, to), (probed) => {
        if (probed._tag === "Fits") return pages(probed.q, probed.first)
        const [from, mid, to] = probed.halves
        return options.descending
          ? Stream.concat(range(mid, to), range(from, mid))
          : Stream.concat(range(from, mid), range(mid, to))
      })
    )

  const runs = (
    from: number,
    to: number
  ): Effect.Effect<Array<Merge.Run<A, E | Auth0Error.LimitExceeded, R>>, E | Auth0Error.LimitExceeded, R> =>
    Effect.flatMap(probe(from, to), (probed) =>
      probed._tag === "Fits"
        ? Effect.succeed([runFrom(probed.first, 0, (page) => options.fetch(probed.q, page), paging(probed.q))])
        : Effect.map(
            Effect.all([runs(probed.halves[0], probed.halves[1]), runs(probed.halves[1], probed.halves[2])]),
            ([older, newer]) => [...older, ...newer]
          )
    )

  return Stream.unwrap(
    Effect.gen(function* () {
      const first = yield* options.fetch(options.q, 0)
      if (fits(first)) return pages(options.q, first)
      const bounds = yield* options.bounds
      if (Option.isNone(bounds)) return pages(options.q, first)
      const [oldest, newest] = bounds.value
      const compare = options.compare
      if (compare === undefined) return range(oldest, newest + 1)
      return Stream.unwrap(
        Effect.map(runs(oldest, newest + 1), (all) => Merge.mergeSorted(all, compare, options.perPage))
      )
    })
  )
}
