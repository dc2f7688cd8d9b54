/** The fake tenant's answers as Auth0 shapes them: JSON, its error body, the token endpoint's error. */
import type { Refusal } from "./refusal.js"
import type { FakeResponse } from "./router.js"

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Request Entity Too Large",
  414: "Request-URI Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable"
}

export const errorBody = (status: number, message: string, errorCode?: string) =>
  JSON.stringify({
    statusCode: status,
    error: REASONS[status] ?? "Error",
    message,
    ...(errorCode ? { errorCode } : {})
  })

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
  body: JSON.stringify({ error, error_description: description })
})
