/**
 * Streams over Auth0's offset paging that know its 1000-result cap: they page
 * until the end and fail with `LimitExceeded` rather than end quietly with
 * results missing. (`Users.stream` walks by keyset instead: see keyset.ts.)
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
