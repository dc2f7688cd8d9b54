/**
 * Read an answer's body up to a limit. `response.text` buffers whatever the
 * server sends (a 600 MB body took 1.2 GB before it failed; an endless one
 * ran until the timeout), so the body is read as a stream, its bytes counted
 * as they arrive, and reading stops at the first chunk past the limit: the
 * memory held is the limit and one chunk. A `Content-Length` past the limit
 * stops it before the first byte. An answer whose `Content-Length` is within
 * the limit, without a content coding, is bounded by HTTP's own framing and
 * read with `text`: an `HttpClient` of your own must not hand over more than
 * it declares.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"

/**
 * The default `maxResponseBytes`, 16 MiB. The largest answer Auth0 sends is a
 * page of 100 users. A profile's soft limit is 10 KB, `app_metadata` and
 * `user_metadata` are refused past 16 KB each (as the fake tenant does), so a
 * full page of users at both caps is about 4 MB; 16 MiB leaves room for 160 KB
 * a user. Auth0's outer bound, 1 MB per user returned by search, would allow
 * 100 MB pages no tenant sends in practice: raise the option for that.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

/** `16 MiB`, `64 KiB`, `100 bytes`: for messages. */
const formatBytes = (bytes: number): string => {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

/** Why a limit is not usable, or undefined: a positive whole number of bytes. */
export const limitProblem = (limit: number): string | undefined =>
  Number.isSafeInteger(limit) && limit > 0 ? undefined : "must be a positive whole number of bytes"

const utf8 = new TextDecoder()

const concat = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.length
  }
  return all
}

/** A web `Response` without a body (a 204, a 304) has no stream: the platform says so before reading. */
const isEmptyBody = (error: HttpClientError.ResponseError): boolean => error.reason === "EmptyBody"

/** The body's text, or `none` when it is longer than `limit` bytes (then it was not read to the end). */
export const readText = (
  response: HttpClientResponse.HttpClientResponse,
  limit: number
): Effect.Effect<Option.Option<string>, HttpClientError.ResponseError> =>
  Effect.catchIf(read(response, limit), isEmptyBody, () => Effect.succeed(Option.some("")))

const read = (
  response: HttpClientResponse.HttpClientResponse,
  limit: number
): Effect.Effect<Option.Option<string>, HttpClientError.ResponseError> => {
  const declared = Number(response.headers["content-length"] ?? Number.NaN)
  if (declared > limit) {
    // Opened and interrupted at once, without waiting for a byte: that cancels the body and frees the
    // connection (a stream never opened would hold it until the response is garbage-collected).
    return Effect.as(Stream.runDrain(Stream.interruptWhen(response.stream, Effect.void)), Option.none())
  }
  // A declared length is the body's length on the wire (HTTP framing: fetch and undici stop there,
  // a longer body is a protocol error), and without a content coding it is also what `text` holds:
  // read it the cheap way. A streamed read costs some 300 µs more per answer.
  const encoding = response.headers["content-encoding"]
  if (declared >= 0 && (encoding === undefined || encoding === "identity"))
    return Effect.map(response.text, Option.some)
  return Effect.scoped(
    Effect.flatMap(Stream.toPull(response.stream), (pull) => {
      const chunks: Array<Uint8Array> = []
      let size = 0
      // A pull loop rather than `Stream.takeWhile` and a sink: several times cheaper per answer.
      const loop: Effect.Effect<Option.Option<string>, HttpClientError.ResponseError> = Effect.matchEffect(pull, {
        onFailure: Option.match({
          onNone: () => Effect.succeed(Option.some(utf8.decode(concat(chunks, size)))),
          onSome: Effect.fail
        }),
        onSuccess: (pulled) => {
          for (const chunk of pulled) {
            size += chunk.length
            // Closing the scope cancels the rest of the body.
            if (size > limit) return Effect.succeed(Option.none())
            chunks.push(chunk)
          }
          return loop
        }
      })
      return loop
    })
  )
}

/** The failure for an answer over the limit. */
export const tooLarge = (
  where: { readonly method: string; readonly path: string },
  status: number,
  limit: number
): Auth0Error.ResponseTooLarge =>
  new Auth0Error.ResponseTooLarge({
    ...where,
    status,
    limit,
    detail: `a body of more than ${formatBytes(limit)} (maxResponseBytes)`
  })
