/**
 * Auth0's error bodies, one piece of code for both sides: the fake tenant writes them and the
 * client's error mapping reads them, so neither can drift from the other.
 *
 * The Management API answers `{ statusCode, error, message, errorCode? }`; the token endpoint
 * answers OAuth-style `{ error, error_description }`.
 */

/** The reason phrase Auth0 puts in `error` for each status it answers with. */
export const REASONS: Readonly<Record<number, string>> = {
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

/** A Management API error body, keys in Auth0's order: `statusCode, error, message, errorCode`. */
export const encode = (status: number, message: string, errorCode?: string): string =>
  JSON.stringify({
    statusCode: status,
    error: REASONS[status] ?? "Error",
    message,
    // Auth0 leaves the key out rather than sending an empty code.
    ...(errorCode ? { errorCode } : {})
  })

/** The token endpoint's OAuth error body. */
export const encodeOAuth = (error: string, description: string): string =>
  JSON.stringify({ error, error_description: description })

/** What the client keeps of an error body: Auth0's code and its human-readable description. */
export interface Read {
  readonly errorCode?: string
  readonly description?: string
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined)

/**
 * Either body shape to its code and description. An OAuth `error` counts as a code only beside an
 * `error_description`: in a Management body `error` is the reason phrase, not a code. Anything else
 * (HTML from a proxy, an empty body, a JSON scalar) leaves both undefined.
 */
export const read = (text: string): Read => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return {}
  }
  if (typeof body !== "object" || body === null) return {}
  const b = body as Record<string, unknown>
  const errorCode = str(b.errorCode) ?? (str(b.error_description) !== undefined ? str(b.error) : undefined)
  const description = str(b.message) ?? str(b.error_description)
  return {
    ...(errorCode !== undefined ? { errorCode } : {}),
    ...(description !== undefined ? { description } : {})
  }
}
