/**
 * The fake tenant's query parameters, read as Auth0 reads them: integers and booleans within bounds,
 * offset paging with its 1000-result cap, and `fields` / `include_fields`, each refusal worded as
 * Auth0 words it.
 */
import * as Projection from "../../internal/codec/projection.js"
import * as Query from "../../internal/codec/query.js"
import * as Search from "./search.js"
import { Refusal, type UserRecord } from "./store.js"

const PAGING_CAP = 1000

export const queryError = (message: string) =>
  new Refusal(400, `Query validation error: '${message}'`, "invalid_query_string")

/**
 * The parameter descriptions Auth0 quotes after the property name. `per_page`'s
 * is Auth0's own text as reported in auth0/node-auth0#648 ("Value 1000 is
 * greater than maximum 100' on property per_page (Number of results per page.
 * Defaults to 50)."); the others are the Management API's documented ones.
 */
const PARAMETER_DESCRIPTIONS: Readonly<Record<string, string>> = {
  per_page: "Number of results per page. Defaults to 50",
  page: "Page index of the results to return. First page is 0",
  include_totals:
    "Return results inside an object that contains the total result count (true) or as a direct array of results (false, default)"
}

/** A bad query parameter, worded whole as Auth0 words it: `'<problem>' on property <name> (<description>).` */
const parameterError = (problem: string, name: string) => {
  const description = PARAMETER_DESCRIPTIONS[name]
  return new Refusal(
    400,
    `Query validation error: '${problem}' on property ${name}${description !== undefined ? ` (${description})` : ""}.`,
    "invalid_query_string"
  )
}

export const intParam = (params: URLSearchParams, name: string, min: number, max: number): number | undefined => {
  const raw = Query.get(params, name)
  if (raw === undefined) return undefined
  const n = Query.readInt(raw)
  if (typeof n === "string") throw parameterError(n, name)
  if (n < min) throw parameterError(`Value ${n} is less than minimum ${min}`, name)
  if (n > max) throw parameterError(`Value ${n} is greater than maximum ${max}`, name)
  return n
}

export const boolParam = (params: URLSearchParams, name: string): boolean | undefined => {
  const raw = Query.get(params, name)
  if (raw === undefined) return undefined
  const b = Query.readBool(raw)
  if (typeof b === "string") throw parameterError(b, name)
  return b
}

export interface Paged<T> {
  readonly items: ReadonlyArray<T>
  readonly start: number
  readonly limit: number
  readonly total: number
  readonly totals: boolean
}

/** Auth0's offset paging: 0-based `page`, `per_page` within bounds, and no page past the first 1000 results. */
export const paginate = <T>(params: URLSearchParams, items: ReadonlyArray<T>, minPerPage: number): Paged<T> => {
  const perPage = intParam(params, "per_page", minPerPage, 100) ?? 50
  const page = intParam(params, "page", 0, Number.MAX_SAFE_INTEGER) ?? 0
  if (page * perPage + perPage > PAGING_CAP) {
    throw new Refusal(
      400,
      "You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation",
      "invalid_paging"
    )
  }
  const start = page * perPage
  return {
    items: items.slice(start, start + perPage),
    start,
    limit: perPage,
    total: items.length,
    totals: boolParam(params, "include_totals") === true
  }
}

export const projectUser = (user: UserRecord, query: URLSearchParams): Record<string, unknown> => {
  const projection = Projection.fromQuery(query)
  if (typeof projection === "string") throw parameterError(projection, "include_fields")
  return projection === undefined ? user : Search.project(user, projection.fields, projection.include)
}
