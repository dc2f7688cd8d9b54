/**
 * The fake's list answers, one piece of code for every list: an offset page in its endpoint's envelope, or
 * a checkpoint page whose cursor names the last item delivered (items added or removed before it shift
 * nothing on the next page; Auth0's cursors are opaque too).
 */
import type * as Endpoint from "../../Endpoint.js"
import * as Page from "../../internal/codec/page.js"
import * as Query from "../../internal/codec/query.js"
import { intParam, paginate, queryError } from "./queryParams.js"

/** A handler's `now` as Auth0 writes a timestamp. */
export const iso = (now: number): string => new Date(now).toISOString()

/**
 * One offset page of `items` as the endpoint's paging shapes it: its envelope with `include_totals`, else
 * an array. `totalWhenEmpty: false` leaves `total` out of an empty list's envelope, as Auth0 does for some.
 */
export const offsetPage = <T>(
  paging: Endpoint.OffsetPaging,
  query: URLSearchParams,
  items: ReadonlyArray<T>,
  project: (item: T) => unknown = (item) => item,
  options: { readonly totalWhenEmpty?: boolean } = {}
): unknown => {
  const page = paginate(query, items, paging.minPerPage ?? 1)
  const shown = page.items.map(project)
  if (!page.totals) return shown
  const total = page.total === 0 && options.totalWhenEmpty === false ? undefined : page.total
  return Page.envelope(paging, { ...page, total, items: shown })
}

const cursorOf = (key: string) => Buffer.from(key, "utf8").toString("base64url")

const afterCursor = (from: string): string => {
  const key = Buffer.from(from, "base64url").toString("utf8")
  if (key === "" || cursorOf(key) !== from) throw queryError("Invalid checkpoint: from")
  return key
}

/** One checkpoint page of `items` (sorted by `keyOf`): `take` after the one `from` names, `next` while more follow. */
export const checkpointPage = <T>(
  paging: Endpoint.CheckpointPaging,
  query: URLSearchParams,
  items: ReadonlyArray<T>,
  keyOf: (item: T) => string,
  project: (item: T) => unknown = (item) => item
): Record<string, unknown> => {
  const take = intParam(query, "take", 1, 100) ?? 50
  const from = Query.get(query, "from")
  const after = from === undefined ? undefined : afterCursor(from)
  const start = after === undefined ? 0 : items.findIndex((item) => keyOf(item) > after)
  const rest = start === -1 ? [] : items.slice(start)
  const page = rest.slice(0, take)
  const last = page[page.length - 1]
  const next = rest.length > take && last !== undefined ? cursorOf(keyOf(last)) : undefined
  return Page.checkpointEnvelope(paging, page.map(project), next)
}
