/**
 * Keyset paging for `Users.stream`: every page is page 0 of the caller's `q`
 * AND "sort key at or past the last one delivered", so users that leave or
 * join the result set meanwhile shift nothing, and no walk reaches Auth0's
 * 1000-result cap.
 *
 * The walk reads a chain of keys: the sort field, then `created_at`, then
 * `user_id`. A page whose users all share one value of a key cannot move the
 * walk past that value, so the value is pinned (`key:["v" TO "v"]`) and its
 * users are walked by the next key of the chain; then the walk goes on past
 * it (`key:{"v" TO *]`). `user_id` is unique, so the chain always ends.
 * Users without the sort field, which Auth0 sorts last in both directions,
 * are walked at the end (`NOT _exists_:field`) by `created_at`.
 *
 * The position is a small JSON value (`Position`), which is also what a
 * caller's cursor holds.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Merge from "./merge.js"
import { and } from "./paging.js"
import { escapeTerm } from "./query/render.js"

/** A value a range bound can hold. Booleans and objects have no order Auth0 ranges over. */
const Key = Schema.Union(Schema.String, Schema.Number)
type Key = typeof Key.Type

/** Where a walk stands; a cursor is this plus the stream it belongs to. */
export const Position = Schema.Struct({
  /** `values`: users with the sort field; `missing`: those without it, walked last. */
  phase: Schema.Literal("values", "missing"),
  /** Values of the first keys of the chain that the walk is inside, each with the ids delivered at it before. */
  pins: Schema.Array(Schema.Struct({ value: Key, skip: Schema.Array(Schema.String) })),
  /** The last value delivered of the next key, and the ids delivered at it; `done` once all at it are. */
  at: Schema.NullOr(Schema.Struct({ value: Key, seen: Schema.Array(Schema.String), done: Schema.Boolean }))
})
export type Position = typeof Position.Type

export const START: Position = { phase: "values", pins: [], at: null }

interface Level {
  readonly field: string
  readonly direction: 1 | -1
  readonly keyOf: (user: Readonly<Record<string, unknown>>) => Merge.SortKey | undefined
  readonly severalKeys: (user: Readonly<Record<string, unknown>>) => boolean
}

/** How one `sort` (with one `q`) is walked. */
export interface Plan {
  readonly q: string | undefined
  readonly values: ReadonlyArray<Level>
  /** The sort field, when users may lack it and must be walked afterwards. */
  readonly missing: string | undefined
  /** Names the `q` and `sort` a position belongs to, so a cursor cannot resume another stream. */
  readonly fingerprint: string
}

const level = (sort: string): Level => {
  const order = Option.getOrThrow(Merge.sortOrder(sort))
  return { field: order.field, direction: order.direction, keyOf: order.keyOf, severalKeys: order.severalKeys }
}
const TIES: ReadonlyArray<Level> = [level("created_at:1"), level("user_id:1")]

/** FNV-1a, so that a cursor names its query without holding it. */
const hash = (text: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(16).padStart(8, "0")
}

/** The walk for `sort`, or `None` for a sort Auth0 refuses (metadata) or that cannot be read. */
export const plan = (q: string | undefined, sort: string): Option.Option<Plan> =>
  Option.map(Merge.sortOrder(sort), (order) => {
    const first: Level = {
      field: order.field,
      direction: order.direction,
      keyOf: order.keyOf,
      severalKeys: order.severalKeys
    }
    const ties = TIES.filter((tie) => tie.field !== order.field)
    return {
      q,
      values: [first, ...ties],
      missing: order.field === "created_at" || order.field === "user_id" ? undefined : order.field,
      fingerprint: `${order.field}:${order.direction}/${hash(q?.trim() ?? "")}`
    }
  })

const chain = (plan: Plan, position: Position): ReadonlyArray<Level> =>
  position.phase === "values" ? plan.values : TIES

/** Whether `position` can belong to `plan` (a decoded cursor may be anything). */
export const fits = (plan: Plan, position: Position): boolean =>
  (position.phase === "values" || plan.missing !== undefined) && position.pins.length < chain(plan, position).length

/**
 * A bound Lucene reads back as `value`. Quoted, only `"` and `\` need escaping; but the lexer takes the
 * longest quoted match, so a `\` right before the closing quote would escape it and swallow the rest.
 * A value ending in `\` is therefore written bare, every special escaped, where it can be: a bare bound
 * ends at whitespace, `]` or `}` even escaped. Such a value holding one of those too stays quoted, and
 * Auth0 refuses the page (BadRequest).
 */
const quote = (value: Key): string => {
  const text = String(value)
  if (text.endsWith("\\") && !/[\s\]}]/.test(text)) return escapeTerm(text)
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

/** The `q` and `sort` of the page at `position`. */
export const request = (plan: Plan, position: Position): { readonly q: string | undefined; readonly sort: string } => {
  const levels = chain(plan, position)
  const clauses: Array<string> = []
  if (plan.missing !== undefined) {
    if (position.phase === "missing") clauses.push(`NOT _exists_:${plan.missing}`)
    else if (position.pins.length === 0 && position.at === null) clauses.push(`_exists_:${plan.missing}`)
  }
  position.pins.forEach((pin, i) => clauses.push(`${levels[i]!.field}:[${quote(pin.value)} TO ${quote(pin.value)}]`))
  const current = levels[position.pins.length]!
  const at = position.at
  if (at !== null) {
    const bound = quote(at.value)
    clauses.push(
      current.direction === 1
        ? `${current.field}:${at.done ? "{" : "["}${bound} TO *]`
        : `${current.field}:[* TO ${bound}${at.done ? "}" : "]"}`
    )
  }
  return {
    q: clauses.reduce<string | undefined>((q, clause) => and(q, clause), plan.q),
    sort: `${current.field}:${current.direction}`
  }
}

/** What one page moves the walk by. */
export interface Step<U> {
  readonly delivered: Array<U>
  /** With `positions`: where the walk stands after each delivered user, for its cursor. */
  readonly positions: Array<Position>
  /** The next position; `null` at the end; a string says why the walk cannot go on. */
  readonly next: Position | null | string
}

type User = Readonly<Record<string, unknown>> & { readonly user_id: string }

const isKey = (key: Merge.SortKey | undefined): key is Key => typeof key === "string" || typeof key === "number"

const same = (a: Key, b: Key): boolean => Merge.compareKeys(a, b) === 0

/** The position after the walk at `position` found no more users. */
const pop = (plan: Plan, position: Position): Position | null => {
  const depth = position.pins.length
  if (depth === 0) {
    return position.phase === "values" && plan.missing !== undefined ? { phase: "missing", pins: [], at: null } : null
  }
  return {
    phase: position.phase,
    pins: position.pins.slice(0, depth - 1),
    at: { value: position.pins[depth - 1]!.value, seen: [], done: true }
  }
}

/**
 * Deliver the users of the page fetched at `position` that come after it,
 * and find the next position. Users the page holds that sort before the
 * position (a multi-valued field matching the range by another value), or
 * that were delivered already at the position's value or at a pinned one
 * (a cursor's `seen` and `skip`), are not delivered again. A walk from a
 * position it made itself never needs `seen` or `skip`: the users at a
 * page's last key are left to the next page.
 */
export const step = <U extends User>(
  plan: Plan,
  position: Position,
  users: ReadonlyArray<U>,
  perPage: number,
  positions: boolean
): Step<U> => {
  const levels = chain(plan, position)
  const depth = position.pins.length
  const current = levels[depth]!
  const at = position.at
  const seen = at !== null && !at.done && at.seen.length > 0 ? new Set(at.seen) : undefined
  const skip = depth > 0 ? new Set(position.pins.flatMap((pin) => pin.skip)) : undefined
  /** The users at or past the position, in the page's order: what the next position is read from. */
  const ordered: Array<{ readonly user: U; readonly key: Key; readonly again: boolean }> = []

  for (const user of users) {
    // The server matched this user to the page's ranges. Only a user with several values of a key (a
    // multi-valued field) can match them by a value other than the one it sorts by, and then it was (or
    // will be) delivered at that one. A user with one value per key is trusted to be where the server
    // says, even where our model of Auth0's order disagrees: dropping it would skip it for good.
    const several = levels.some((level, i) => i <= depth && level.severalKeys(user))
    const pinned = position.pins.every((pin, i) => {
      const key = levels[i]!.keyOf(user)
      return isKey(key) && same(key, pin.value)
    })
    if (!pinned && several) continue
    const key = current.keyOf(user)
    if (!isKey(key)) {
      return {
        delivered: [],
        positions: [],
        next: `the sort field ${current.field} holds a value that is neither a string nor a number, which no range can walk past`
      }
    }
    const c = at === null ? 1 : current.direction * Merge.compareKeys(key, at.value)
    if (several && (c < 0 || (c === 0 && at!.done))) continue
    const again = (c === 0 && seen?.has(user.user_id) === true) || skip?.has(user.user_id) === true
    ordered.push({ user, key, again })
  }

  /** Deliver `ordered` up to `end`, each user with the position after it when asked for. */
  const deliver = (end: number, next: Position | null | string): Step<U> => {
    const delivered: Array<U> = []
    const after: Array<Position> = []
    // The ids delivered at the latest key: a cursor in the middle of users that share a key holds them.
    let run: Array<string> = at !== null && !at.done ? [...at.seen] : []
    let runKey: Key | undefined = at?.value
    for (let i = 0; i < end; i++) {
      const { again, key, user } = ordered[i]!
      if (positions) {
        if (runKey === undefined || !same(key, runKey)) {
          run = []
          runKey = key
        }
        run.push(user.user_id)
      }
      if (again) continue
      delivered.push(user)
      if (positions) {
        after.push({ phase: position.phase, pins: position.pins, at: { value: key, seen: [...run], done: false } })
      }
    }
    return { delivered, positions: after, next }
  }

  if (users.length < perPage) return deliver(ordered.length, pop(plan, position))
  if (ordered.length === 0) return deliver(0, `a full page of ${current.field} held no user past the last position`)
  // The users at the page's last key may go on on the next page: leave them to it, which starts at that key,
  // so that a position holds a key and not the ids seen at it.
  const last = ordered[ordered.length - 1]!.key
  let trailing = ordered.length
  while (trailing > 0 && same(ordered[trailing - 1]!.key, last)) trailing--
  if (trailing > 0) {
    return deliver(trailing, { phase: position.phase, pins: position.pins, at: { value: last, seen: [], done: false } })
  }
  // A whole page at one value: walk the users at it by the next key of the chain, then go on past it.
  if (depth + 1 >= levels.length) return deliver(0, `more than a page of users share one ${current.field}`)
  const before = at !== null && !at.done && same(at.value, last) ? at.seen : []
  return deliver(0, {
    phase: position.phase,
    pins: [...position.pins, { value: last, skip: before }],
    at: null
  })
}

/**
 * Every user of the walk from `start` on, fetching page 0 of each position's
 * query. `deliver` makes the element from a user and, with `positions`, the
 * position after it. A walk that cannot go on delivers what it has, then
 * fails with `stuck(q, detail)`.
 */
export const walk = <U extends User, A, E, E2, R>(options: {
  readonly plan: Plan
  readonly start: Position
  readonly perPage: number
  readonly fetch: (q: string | undefined, sort: string) => Effect.Effect<ReadonlyArray<U>, E, R>
  readonly positions: boolean
  readonly deliver: (user: U, position: Position | undefined) => A
  readonly stuck: (q: string, detail: string) => E2
}): Stream.Stream<A, E | E2, R> =>
  Stream.paginateChunkEffect<Position | string, A, E | E2, R>(options.start, (position) => {
    if (typeof position === "string") return Effect.fail(options.stuck(options.plan.q ?? "", position))
    const { q, sort } = request(options.plan, position)
    return Effect.map(options.fetch(q, sort), (users) => {
      const { delivered, next, positions } = step(options.plan, position, users, options.perPage, options.positions)
      // Without `positions` the array is empty and every user gets `undefined`.
      const chunk = Chunk.unsafeFromArray(delivered.map((user, i) => options.deliver(user, positions[i])))
      return [chunk, next === null ? Option.none() : Option.some(next)] as const
    })
  })
