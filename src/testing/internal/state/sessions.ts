/**
 * The fake tenant's sessions and refresh tokens, per user, with Auth0's checkpoint paging over them:
 * each list in (created_at, id) order, `next` the opaque base64 of the last item's position, `from`
 * exclusive, so that deleting items between two pages shifts nothing.
 */
import type * as Endpoint from "../../../Endpoint.js"
import * as Page from "../../../internal/codec/page.js"
import { boolParam, intParam } from "../queryParams.js"
import { Refusal } from "../refusal.js"
import type { Store } from "../store.js"
import { invalid, isObject } from "../userBody.js"

/** A session as the fake keeps and answers it: Auth0's fields, plus whatever a seed added. */
export interface SessionRecord extends Readonly<Record<string, unknown>> {
  readonly id: string
  readonly user_id: string
  readonly created_at: string
}

/** A refresh token as the fake keeps and answers it; `session_id` is `null` for one not bound to a session. */
export interface RefreshTokenRecord extends Readonly<Record<string, unknown>> {
  readonly id: string
  readonly user_id: string
  readonly created_at: string
  readonly session_id: string | null
}

interface Item {
  readonly id: string
  readonly created_at: string
}

const DEFAULT_TAKE = 50
const SESSION_ID_MAX = 50
const REVOKE_FIELDS: ReadonlySet<string> = new Set(["session_id", "preserve_refresh_tokens"])

const before = (a: Item, created: string, id: string): boolean =>
  a.created_at < created || (a.created_at === created && a.id <= id)

const byPosition = (a: Item, b: Item): number =>
  a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

const positionOf = (item: Item): string => Buffer.from(`${item.created_at},${item.id}`, "utf8").toString("base64")

const invalidFrom = () =>
  new Refusal(
    400,
    "Query validation error: 'Invalid checkpoint' on property from (Optional Id from which to start selection).",
    "invalid_query_string"
  )

/** The position a `from` names: base64 of `created_at,id`, as `positionOf` writes it. */
const readFrom = (from: string): { readonly created: string; readonly id: string } => {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(from)) throw invalidFrom()
  const text = Buffer.from(from, "base64").toString("utf8")
  const comma = text.indexOf(",")
  if (comma <= 0 || Number.isNaN(Date.parse(text.slice(0, comma)))) throw invalidFrom()
  return { created: text.slice(0, comma), id: text.slice(comma + 1) }
}

/** One checkpoint page of `items` (sorted by position) for this query. */
const checkpointPage = <T extends Item>(
  paging: Endpoint.CheckpointPaging,
  items: ReadonlyArray<T>,
  query: URLSearchParams
): Record<string, unknown> => {
  const take = intParam(query, "take", 1, 100) ?? DEFAULT_TAKE
  const from = query.get("from")
  let start = 0
  if (from !== null && from !== "") {
    const position = readFrom(from)
    // The first item past the position: a binary search, so that a walk over thousands stays cheap.
    let low = 0
    let high = items.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (before(items[mid]!, position.created, position.id)) low = mid + 1
      else high = mid
    }
    start = low
  }
  const page = items.slice(start, start + take)
  // As recorded, Auth0 names a `next` on every page that has items, the last one too; the empty page after it ends.
  const envelope = Page.checkpointEnvelope(
    paging,
    page,
    page.length > 0 ? positionOf(page[page.length - 1]!) : undefined
  )
  return boolParam(query, "include_totals") === true ? { ...envelope, total: items.length } : envelope
}

/** Insert `added` into the sorted `list`, refusing an id already there. */
const merged = <T extends Item>(list: ReadonlyArray<T>, added: ReadonlyArray<T>, what: string): Array<T> => {
  const ids = new Set(list.map((item) => item.id))
  for (const item of added) {
    if (ids.has(item.id)) throw new Refusal(409, `A ${what} with id ${item.id} already exists.`)
    ids.add(item.id)
  }
  return [...list, ...added].sort(byPosition)
}

export class SessionsState {
  /** By user id, each list in position order. */
  readonly sessions = new Map<string, Array<SessionRecord>>()
  readonly refreshTokens = new Map<string, Array<RefreshTokenRecord>>()

  constructor(readonly store: Store) {
    store.onDelete.push((id) => {
      this.sessions.delete(id)
      this.refreshTokens.delete(id)
    })
  }

  /** Auth0's 404 for a user that does not exist (or no longer does). */
  requireUser(userId: string): void {
    if (!this.store.users.has(userId)) throw new Refusal(404, "The user does not exist.", "inexistent_user")
  }

  sessionsOf(userId: string): ReadonlyArray<SessionRecord> {
    return this.sessions.get(userId) ?? []
  }

  refreshTokensOf(userId: string): ReadonlyArray<RefreshTokenRecord> {
    return this.refreshTokens.get(userId) ?? []
  }

  listSessions(paging: Endpoint.CheckpointPaging, userId: string, query: URLSearchParams) {
    this.requireUser(userId)
    return checkpointPage(paging, this.sessionsOf(userId), query)
  }

  listRefreshTokens(paging: Endpoint.CheckpointPaging, userId: string, query: URLSearchParams) {
    this.requireUser(userId)
    return checkpointPage(paging, this.refreshTokensOf(userId), query)
  }

  addSessions(userId: string, added: ReadonlyArray<SessionRecord>): void {
    this.requireUser(userId)
    this.sessions.set(userId, merged(this.sessionsOf(userId), added, "session"))
  }

  addRefreshTokens(userId: string, added: ReadonlyArray<RefreshTokenRecord>): void {
    this.requireUser(userId)
    const sessions = new Set(this.sessionsOf(userId).map((session) => session.id))
    for (const token of added) {
      if (token.session_id !== null && !sessions.has(token.session_id)) {
        throw new Refusal(404, `The user has no session ${token.session_id}.`)
      }
    }
    this.refreshTokens.set(userId, merged(this.refreshTokensOf(userId), added, "refresh token"))
  }

  deleteSessions(userId: string): Record<string, never> {
    this.requireUser(userId)
    this.sessions.delete(userId)
    return {}
  }

  deleteRefreshTokens(userId: string): Record<string, never> {
    this.requireUser(userId)
    this.refreshTokens.delete(userId)
    return {}
  }

  /** `POST /users/{id}/revoke-access`: one session or all, and their refresh tokens unless preserved. */
  revokeAccess(userId: string, body: unknown): Record<string, never> {
    this.requireUser(userId)
    const request = body === undefined ? {} : body
    if (!isObject(request)) throw invalid(`Expected type object but found type ${typeof request}`)
    for (const key of Object.keys(request)) {
      if (!REVOKE_FIELDS.has(key)) throw invalid(`Additional properties not allowed: ${key}`)
    }
    const { preserve_refresh_tokens: preserve, session_id: sessionId } = request
    if (sessionId !== undefined) {
      if (typeof sessionId !== "string") {
        throw invalid(`Expected type string but found type ${typeof sessionId}' on property session_id ('`)
      }
      if (sessionId.length > SESSION_ID_MAX) {
        throw invalid(
          `String is too long (${sessionId.length} chars), maximum ${SESSION_ID_MAX}' on property session_id ('`
        )
      }
    }
    if (preserve !== undefined && typeof preserve !== "boolean") {
      throw invalid(`Expected type boolean but found type ${typeof preserve}' on property preserve_refresh_tokens ('`)
    }
    const ended = (id: string) => sessionId === undefined || id === sessionId
    this.sessions.set(
      userId,
      this.sessionsOf(userId).filter((session) => !ended(session.id))
    )
    if (preserve !== true) {
      // Revoking all takes every refresh token; revoking one session, only the tokens bound to it.
      this.refreshTokens.set(
        userId,
        this.refreshTokensOf(userId).filter((token) =>
          sessionId === undefined ? false : token.session_id === null || !ended(token.session_id)
        )
      )
    }
    return {}
  }
}
