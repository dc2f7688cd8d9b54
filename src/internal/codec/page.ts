/**
 * Auth0's paging envelopes, one piece of code for both sides: the schema the
 * client decodes a page with, the page it reads (the same whether Auth0 sent
 * the envelope or a bare array), and the envelope the fake writes, its keys
 * in the order Auth0 writes them.
 */
import * as Schema from "effect/Schema"
import type * as Endpoint from "../../Endpoint.js"

const wires = new WeakMap<Endpoint.Any, Schema.Schema.AnyNoContext>()

/** The schema an answer of a paged endpoint decodes with, made once per declaration. */
export const wire = (endpoint: Endpoint.Any): Schema.Schema.AnyNoContext => {
  let schema = wires.get(endpoint)
  if (schema !== undefined) return schema
  const paging = endpoint.paging
  const items = Schema.Array(endpoint.response)
  if (paging.kind === "offset") {
    // `length` is missing from some envelopes (roles) and `total` from others (recorded `/users`).
    const has = (key: string) => paging.envelope.includes(key as never)
    schema = Schema.Union(
      Schema.Struct({
        start: Schema.Number,
        limit: Schema.Number,
        length: has("length") ? Schema.Number : Schema.optional(Schema.Number),
        total: Schema.optional(Schema.Number),
        [paging.items]: items
      }),
      items
    )
  } else if (paging.kind === "checkpoint") {
    schema = Schema.Struct({ [paging.items]: items, next: Schema.optional(Schema.String) })
  } else {
    schema = endpoint.response
  }
  wires.set(endpoint, schema)
  return schema
}

/** Auth0's page size when `per_page` is not sent. */
export const DEFAULT_PER_PAGE = 50

/** A decoded answer as one page; a bare array (Auth0 ignoring `include_totals`) is placed by the query's page. */
export const read = (
  paging: Endpoint.Paging,
  decoded: unknown,
  query: Readonly<Record<string, unknown>> | undefined
): unknown => {
  if (paging.kind !== "offset") return decoded
  if (Array.isArray(decoded)) {
    const perPage = typeof query?.per_page === "number" ? query.per_page : DEFAULT_PER_PAGE
    const page = typeof query?.page === "number" ? query.page : 0
    return { start: page * perPage, limit: perPage, length: decoded.length, [paging.items]: decoded }
  }
  // The wire schema made it an envelope with an array of items under `paging.items`.
  const page = decoded as Readonly<Record<string, unknown>>
  return page.length === undefined ? { ...page, length: (page[paging.items] as ReadonlyArray<unknown>).length } : page
}

/**
 * One offset page as the fake answers it with `include_totals=true`; an undefined `total` is left out
 * (Auth0 sends none for a user without authentication methods).
 */
export const envelope = (
  paging: Endpoint.OffsetPaging,
  page: {
    readonly start: number
    readonly limit: number
    readonly total: number | undefined
    readonly items: ReadonlyArray<unknown>
  }
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key of paging.envelope) {
    if (key === "total" && page.total === undefined) continue
    out[key] =
      key === paging.items
        ? page.items
        : key === "length"
          ? page.items.length
          : page[key as "start" | "limit" | "total"]
  }
  return out
}

/** One checkpoint page as the fake answers it: `next` only when more follow. */
export const checkpointEnvelope = (
  paging: Endpoint.CheckpointPaging,
  items: ReadonlyArray<unknown>,
  next: string | undefined
): Record<string, unknown> => (next === undefined ? { [paging.items]: items } : { [paging.items]: items, next })
