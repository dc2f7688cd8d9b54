/**
 * `fields` / `include_fields`, one piece of code for both sides: what the client sends for a
 * projection and what the fake tenant reads of it, as Auth0 does.
 */
import * as Query from "./query.js"

/** The projection an operation takes. */
export interface ProjectionParams {
  /** Fields to include (or exclude, with `include_fields: false`): a comma list or an array. */
  readonly fields?: string | ReadonlyArray<string> | undefined
  readonly include_fields?: boolean | undefined
}

/** A projection as read from a query: the field names and whether they are kept or dropped. */
export interface Projection {
  readonly fields: ReadonlyArray<string>
  readonly include: boolean
}

/** The query values: an array joined with `,`, a string sent as is, `include_fields` only when given. */
export const toQuery = (
  params: ProjectionParams
): { readonly fields: string | undefined; readonly include_fields: boolean | undefined } => ({
  fields:
    params.fields === undefined
      ? undefined
      : typeof params.fields === "string"
        ? params.fields
        : params.fields.join(","),
  include_fields: params.include_fields
})

/**
 * The projection asked for, `undefined` when `fields` is absent or empty (then `include_fields` is
 * not read, so a bad one beside no `fields` is no refusal). Names are split on `,`, trimmed, and
 * empties dropped; `include_fields` defaults to true. A string is the problem with `include_fields`.
 */
export const fromQuery = (query: URLSearchParams): Projection | undefined | string => {
  const fields = Query.get(query, "fields")
  if (fields === undefined) return undefined
  const raw = Query.get(query, "include_fields")
  const include = raw === undefined ? true : Query.readBool(raw)
  if (typeof include === "string") return include
  return {
    fields: fields
      .split(",")
      .map((f) => f.trim())
      .filter((f) => f !== ""),
    include
  }
}
