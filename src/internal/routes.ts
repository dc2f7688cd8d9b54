/**
 * Path templates compiled once into a tree of segments, so that a request is
 * matched in one walk of its segments rather than against every template in
 * turn. A literal segment wins over a `{name}` one (`/jobs/users-exports`
 * before `/jobs/{id}`); values come back decoded, and raw `|` is accepted as
 * well as `%7C`, as Auth0 does.
 */
import type * as Endpoint from "../Endpoint.js"

interface Leaf<V> {
  readonly value: V
  readonly names: ReadonlyArray<string>
}

interface Node<V> {
  readonly literal: Map<string, Node<V>>
  param: Node<V> | undefined
  readonly methods: Map<string, Leaf<V>>
}

const node = <V>(): Node<V> => ({ literal: new Map(), param: undefined, methods: new Map() })

export interface Match<V> {
  readonly value: V
  readonly params: Record<string, string>
}

export interface Routes<V> {
  /** The route of `method` and `path` (relative to `/api/v2`, still encoded), with its path values. */
  readonly find: (method: string, path: string) => Match<V> | undefined
}

/** The first entry of a method and template wins; a later one with the same two is ignored. */
export const compile = <V>(entries: Iterable<readonly [Endpoint.Any, V]>): Routes<V> => {
  const root = node<V>()
  for (const [endpoint, value] of entries) {
    let at = root
    const names: Array<string> = []
    for (const segment of endpoint.path.split("/").slice(1)) {
      if (segment.startsWith("{")) {
        names.push(segment.slice(1, -1))
        at = at.param ??= node()
      } else {
        let next = at.literal.get(segment)
        if (next === undefined) at.literal.set(segment, (next = node()))
        at = next
      }
    }
    if (!at.methods.has(endpoint.method)) at.methods.set(endpoint.method, { value, names })
  }

  const walk = (
    at: Node<V>,
    segments: ReadonlyArray<string>,
    i: number,
    method: string,
    values: Array<string>
  ): Leaf<V> | undefined => {
    if (i === segments.length) return at.methods.get(method)
    const segment = segments[i]!
    const literal = at.literal.get(segment)
    if (literal !== undefined) {
      const found: Leaf<V> | undefined = walk(literal, segments, i + 1, method, values)
      if (found !== undefined) return found
    }
    if (at.param === undefined || segment === "") return undefined
    values.push(segment)
    const found: Leaf<V> | undefined = walk(at.param, segments, i + 1, method, values)
    if (found === undefined) values.pop()
    return found
  }

  return {
    find: (method, path) => {
      if (!path.startsWith("/")) return undefined
      const values: Array<string> = []
      const leaf = walk(root, path.split("/").slice(1), 0, method, values)
      if (leaf === undefined) return undefined
      const params: Record<string, string> = {}
      for (let i = 0; i < leaf.names.length; i++) {
        try {
          params[leaf.names[i]!] = decodeURIComponent(values[i]!)
        } catch {
          return undefined
        }
      }
      return { value: leaf.value, params }
    }
  }
}
