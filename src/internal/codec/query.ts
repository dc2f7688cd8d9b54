/**
 * Query strings, one piece of code for both sides: how the client writes a value and how Auth0
 * (and so the fake tenant) reads it back. The readers return the value or a problem (a string)
 * worded as Auth0 words it; the fake wraps the problem into its refusal, with the parameter's name.
 * A plain union rather than an `Either`: the fake reads several values on every request.
 */

/** A query value as operations hand it over; `undefined` means "not sent". */
export type Value = string | number | boolean | undefined

/** How a value goes on the wire: booleans as `true`/`false`, numbers in decimal, strings as they are. */
export const write = (value: string | number | boolean): string => String(value)

/**
 * `?k=v&…` with the keys sorted (a stable order, as Auth0's own SDKs send them) and undefined values
 * left out; `""` when nothing is left.
 */
export const encode = (query: Readonly<Record<string, Value>> | undefined): string => {
  if (query === undefined) return ""
  // Most calls (`Users.get` without a projection) send nothing: no URLSearchParams for them.
  const keys = Object.keys(query).filter((key) => query[key] !== undefined)
  if (keys.length === 0) return ""
  const params = new URLSearchParams()
  for (const key of keys.sort()) params.append(key, write(query[key] as string | number | boolean))
  return `?${params.toString()}`
}

/** A parameter as Auth0 reads it: missing and empty alike are absent. */
export const get = (params: URLSearchParams, name: string): string | undefined => {
  const raw = params.get(name)
  return raw === null || raw === "" ? undefined : raw
}

const INTEGER = /^-?\d+$/

/** An integer: an optional minus and decimal digits, nothing else (no `+1`, `1.0`, `1e3`, `0x10`). */
export const readInt = (raw: string): number | string =>
  INTEGER.test(raw) ? Number(raw) : "Expected type integer but found type string"

/** A boolean: exactly `true` or `false`. */
export const readBool = (raw: string): boolean | string =>
  raw === "true" ? true : raw === "false" ? false : "Expected type boolean but found type string"
