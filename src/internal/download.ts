/**
 * `Auth0Http.download`: the bytes at a URL Auth0 handed out (an export file
 * on S3), without the bearer token, resumed where they stopped when the
 * connection fails mid-way.
 *
 * A retryable failure (a reset, a cut-off body, a 5xx, a timeout) opens the
 * URL again with `Range: bytes={received}-`. A `206` goes on from there; a
 * `200` (a server that ignores ranges) starts over and the bytes already
 * received are dropped. A body that sends nothing for the layer's timeout
 * counts as such a failure. Either way the stream's consumer sees every byte once,
 * in order, so a gunzip downstream never notices. Consecutive failures without
 * a new byte in between are bounded by the layer's retry policy.
 *
 * A redirect is not followed, as for every request of the library: the URL
 * carries no bearer token, but an S3 presigned URL is signed for its own host,
 * so another endpoint could not serve it anyway, and a redirect there means
 * something other than S3 answered. It fails with `UnexpectedStatus`, not
 * retried. The file's size is not limited (an export can be gigabytes; its
 * lines are, see `exportFile.ts`); an error answer's body is read up to the
 * layer's `maxResponseBytes`.
 */
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"
import type * as Retry from "../Retry.js"
import * as Body from "./body.js"
import * as Errors from "./errors.js"
import * as Redirects from "./redirects.js"
import * as Timeout from "./timeout.js"

/**
 * `Content-Range`: `bytes {start}-{end}/{size}` on a `206`, `bytes *\/{size}`
 * on a `416`; each part undefined when absent or unknown.
 */
const contentRange = (headers: Headers.Headers): { readonly start?: number; readonly size?: number } => {
  const value = Option.getOrElse(Headers.get(headers, "content-range"), () => "").trim()
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(value)
  if (match === null) return {}
  return {
    ...(match[1] !== undefined ? { start: Number(match[1]) } : {}),
    ...(match[2] !== "*" ? { size: Number(match[2]) } : {})
  }
}

/** Drop the first `count` bytes of `bytes`. */
const dropBytes = <E>(bytes: Stream.Stream<Uint8Array, E>, count: number): Stream.Stream<Uint8Array, E> => {
  if (count === 0) return bytes
  return Stream.suspend(() => {
    let left = count
    return Stream.filterMap(bytes, (chunk) => {
      if (left === 0) return Option.some(chunk)
      if (chunk.length <= left) {
        left -= chunk.length
        return Option.none()
      }
      const rest = chunk.subarray(left)
      left = 0
      return Option.some(rest)
    })
  })
}

export const download = (
  client: HttpClient.HttpClient,
  url: string,
  timeout: Duration.Duration,
  retry: Retry.Policy | false,
  maxErrorBytes: number
): Stream.Stream<Uint8Array, Auth0Error.Common> => {
  const where = { method: "GET", path: new URL(url).pathname }
  const timedOut = () => new Auth0Error.TimeoutError({ ...where, timeout })

  /** The rest of the file from byte `from` on, as an effect that fails with the answer's error. */
  const open = (from: number) =>
    client
      .execute(
        from === 0 ? HttpClientRequest.get(url) : HttpClientRequest.get(url, { headers: { range: `bytes=${from}-` } })
      )
      .pipe(
        Effect.mapError((error) => Errors.fromHttpClientError(where, error)),
        (execute) => Timeout.timeoutFail(execute, timeout, timedOut),
        Effect.flatMap((response): Effect.Effect<Stream.Stream<Uint8Array, Auth0Error.Common>, Auth0Error.Common> => {
          const body = response.stream.pipe(
            Stream.mapError((error): Auth0Error.Common => Errors.fromHttpClientError(where, error)),
            // A body that stalls is a timeout, resumed like a reset: a file can take longer than
            // `timeout` as a whole, so the limit is on the wait for each chunk.
            Stream.timeoutFail(timedOut, timeout)
          )
          if (from > 0 && response.status === 206) {
            return contentRange(response.headers).start === from
              ? Effect.succeed(body)
              : Effect.fail(
                  new Auth0Error.DecodeError({
                    ...where,
                    status: 206,
                    detail: `asked to resume the download at byte ${from}, the server answered another range`
                  })
                )
          }
          if (Redirects.isRedirect(response.status)) return Effect.fail(Redirects.refused(where, response.status))
          if (response.status >= 200 && response.status < 300) return Effect.succeed(dropBytes(body, from))
          // The last attempt broke off after the last byte: nothing is left to send.
          if (from > 0 && response.status === 416 && contentRange(response.headers).size === from) {
            return Effect.succeed(Stream.empty)
          }
          return Effect.flatMap(
            Effect.zip(
              Effect.orElseSucceed(
                Effect.map(Body.readText(response, maxErrorBytes), (text) => Option.getOrElse(text, () => "")),
                () => ""
              ),
              Clock.currentTimeMillis
            ),
            ([text, now]) =>
              Effect.fail(
                Errors.fromStatus(where, response.status, response.headers, text, [], now) as Auth0Error.Common
              )
          )
        }),
        Effect.withSpan("Auth0Http.download", {
          kind: "client",
          attributes: { "http.request.method": "GET", "auth0.download.from": from }
        })
      )

  if (retry === false) return Stream.unwrap(open(0))
  return Stream.suspend(() => {
    let received = 0
    const from = (driver: Schedule.ScheduleDriver<number, Auth0Error.Auth0Error>, start: number) =>
      Stream.unwrap(open(start)).pipe(
        Stream.tap((chunk) => Effect.sync(() => (received += chunk.length))),
        Stream.catchAll((error) => resume(driver, start, error))
      )
    const resume = (
      driver: Schedule.ScheduleDriver<number, Auth0Error.Auth0Error>,
      start: number,
      error: Auth0Error.Common
    ): Stream.Stream<Uint8Array, Auth0Error.Common> =>
      Stream.unwrap(
        Effect.gen(function* () {
          if (!retry.while(error)) return Stream.fail(error)
          // Progress since the last failure starts the count again: only failures in a row are bounded.
          const next = received > start ? yield* Schedule.driver(retry.schedule) : driver
          const waited = yield* Effect.either(next.next(error))
          return waited._tag === "Left" ? Stream.fail(error) : from(next, received)
        })
      )
    return Stream.unwrap(Effect.map(Schedule.driver(retry.schedule), (driver) => from(driver, 0)))
  })
}
