/** The fake tenant's answers as Auth0 shapes them: JSON, its error body, the token endpoint's error. */
import * as ErrorBody from "../../internal/codec/errorBody.js"
import type { Refusal } from "./refusal.js"
import type { FakeResponse } from "./router.js"

/** Auth0's error body; the client reads it with the same codec. */
export const errorBody = ErrorBody.encode

export const json = (status: number, body: unknown): FakeResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: status === 204 ? "" : JSON.stringify(body)
})

export const refusal = (r: Refusal): FakeResponse => ({
  status: r.status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: errorBody(r.status, r.message, r.errorCode)
})

export const oauthError = (status: number, error: string, description: string): FakeResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body: ErrorBody.encodeOAuth(error, description)
})
