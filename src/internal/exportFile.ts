/**
 * An export file as users: the `ExportedUser` schema of one line, and
 * `decodeFile`, which turns the file's gzip bytes, as they arrive, into
 * decoded users with constant memory. `exportJob.ts` creates the job and
 * downloads the file.
 *
 * Decompression uses the web `DecompressionStream`, present in Node, Deno, Bun
 * and browsers: nothing here depends on one platform.
 */
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"
import { Extra, LenientBoolean, Metadata } from "./schema.js"

/** The default `maxLineLength`. */
export const DEFAULT_MAX_LINE_LENGTH = 4 * 1024 * 1024

/**
 * One line of an export file. Only the fields that were asked for are there,
 * under their `export_as` names; the common ones are typed, everything else is
 * kept as `unknown`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExportedUser = Schema.Struct(
  {
    user_id: Schema.optional(Schema.String),
    email: Schema.optional(Schema.String),
    email_verified: Schema.optional(LenientBoolean),
    username: Schema.optional(Schema.String),
    phone_number: Schema.optional(Schema.String),
    name: Schema.optional(Schema.String),
    nickname: Schema.optional(Schema.String),
    given_name: Schema.optional(Schema.String),
    family_name: Schema.optional(Schema.String),
    picture: Schema.optional(Schema.String),
    app_metadata: Schema.optional(Metadata),
    user_metadata: Schema.optional(Metadata)
  },
  Extra
)

/**
 * @since 0.1.0
 * @category models
 */
export interface ExportedUser extends Schema.Schema.Type<typeof ExportedUser> {}

const STRING_FIELDS = [
  "user_id",
  "email",
  "username",
  "phone_number",
  "name",
  "nickname",
  "given_name",
  "family_name",
  "picture"
] as const

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

// `Metadata` keeps a parsed object as it is, an own `__proto__` key included (JSON.parse makes it data).
const isMetadata = (u: unknown): boolean => isObject(u) && Object.getPrototypeOf(u) === Object.prototype

// At the top level the schema drops an own `__proto__` key (see `Extra`): such a line takes its path.
const isUserObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  isObject(u) && !Object.hasOwn(u, "__proto__")

/**
 * True when `u` already is what decoding it as `ExportedUser` gives: then the
 * parsed line is used as it is. The schema walk costs more than `JSON.parse`,
 * and almost every line takes this path; anything else (a `"true"` string for
 * a boolean, a wrong type) goes through the schema, which converts or names
 * the error. A test checks this against the schema.
 */
export const isDecodedExportedUser = (u: unknown): u is ExportedUser => {
  if (!isUserObject(u)) return false
  for (const key of STRING_FIELDS) {
    const value = u[key]
    if (value !== undefined && typeof value !== "string") return false
  }
  const verified = u.email_verified
  return (
    (verified === undefined || typeof verified === "boolean") &&
    (u.app_metadata === undefined || isMetadata(u.app_metadata)) &&
    (u.user_metadata === undefined || isMetadata(u.user_metadata))
  )
}

const ignore = () => undefined

/** The decompressor's output, and the cause the feed failed with, if it did. */
interface Gunzipped<E> {
  readonly readable: ReadableStream<Uint8Array>
  readonly fed: () => Cause.Cause<E> | undefined
}

/**
 * Gunzip `bytes` as they arrive, with the web `DecompressionStream`. The
 * upstream runs in a fiber of the current scope (never inside a web stream),
 * so its typed failures stay typed and closing the scope interrupts it.
 * `corrupt` maps what the decompressor throws (not gzip, truncated). Once the
 * feed failed, `fed` returns its cause: it is the stream's, whether the
 * readable then fails (a cut gzip) or ends cleanly (a cut at the end of a gzip
 * member, where what came after would be lost unseen).
 */
const gunzip = <E, E2>(
  bytes: Stream.Stream<Uint8Array, E>,
  corrupt: (cause: unknown) => E2
): Effect.Effect<Gunzipped<E | E2>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const gz = new DecompressionStream("gzip")
    const writer = gz.writable.getWriter()
    let fed: Cause.Cause<E | E2> | undefined
    // `write` settles once the decompressor took the chunk: backpressure from the reader to the download.
    const write = (chunk: Uint8Array) =>
      Effect.tryPromise({
        try: () =>
          writer.write(chunk.buffer instanceof ArrayBuffer ? (chunk as Uint8Array<ArrayBuffer>) : chunk.slice()),
        catch: corrupt
      })
    const feedChunk = (chunk: Uint8Array) => Effect.forEach(slices(chunk), write, { discard: true })
    // A pull loop rather than `Stream.runForEach`: a sink hands each chunk over through a closure
    // V8 allocates in the old space, which gets the chunk promoted (see bench/retention.ts).
    const feed = Effect.scoped(
      Effect.flatMap(Stream.toPull(bytes), (pull) =>
        Effect.iterate(true, {
          while: identity,
          body: () =>
            Effect.matchEffect(pull, {
              onFailure: Option.match({ onNone: () => Effect.succeed(false), onSome: Effect.fail }),
              onSuccess: (chunks) => Effect.as(Effect.forEach(chunks, feedChunk, { discard: true }), true)
            })
        })
      )
    ).pipe(
      Effect.zipRight(Effect.tryPromise({ try: () => writer.close(), catch: corrupt })),
      Effect.catchAllCause((cause) =>
        Effect.sync(() => {
          // Closing (not aborting) lets the reader take what was decompressed so far; it then
          // fails (a cut gzip) or ends, and either way takes this cause.
          fed = cause
          writer.close().catch(ignore)
        })
      )
    )
    yield* Effect.addFinalizer(() => Effect.sync(() => writer.abort().catch(ignore)))
    // A forked feed, not `Stream.merge`: merging hands each chunk across fibers, which cost more than the gunzip.
    yield* Effect.forkScoped(feed)
    return { readable: gz.readable, fed: () => fed }
  })

/**
 * The most compressed bytes written at once. The decompressor turns what it
 * is given into output right away, so a big download chunk (~20× as text)
 * would otherwise sit decompressed until it is read.
 */
const SLICE = 16 * 1024

const slices = (chunk: Uint8Array): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (let at = 0; at < chunk.length; at += SLICE) out.push(chunk.subarray(at, at + SLICE))
  return out
}

/** What each decoded line becomes, knowing its number (from 1) and the file's path (for a later error). */
export type Refine<A> = (user: ExportedUser, line: number, path: string) => A

/**
 * The users in an export file's bytes: gunzip, UTF-8, lines (empty ones
 * skipped), JSON, `ExportedUser`. A bad line fails with `DecodeError` naming
 * its number, never its content; a line past `maxLineLength` characters with
 * `ResponseTooLarge`. `path` is where the bytes came from, for the error (no
 * query: a signed URL's query is a credential).
 *
 * Lines are split in time linear in the file: each piece of text is scanned
 * once from where the last newline was found in it, and the start of a line
 * that spans pieces is kept as a list of pieces, joined once when its newline
 * arrives. (Appending to the leftover and scanning it again from its start
 * made a 16 MB line take 5 s and a 64 MB one 74 s.)
 *
 * One stage reads the decompressor and turns each piece of text into a chunk
 * of users. Each hand-over between stages that run an effect per chunk can
 * get the chunk promoted (Effect's `Channel.fromEffect` closure, which V8
 * allocates in the old space until the JIT compiles it: see
 * bench/retention.ts), so every stage fewer is less of the heap a 100k export
 * grows by; and per-line stages cost more than the parsing anyway.
 */
export const decodeFile = <E, A = ExportedUser>(
  bytes: Stream.Stream<Uint8Array, E>,
  path: string,
  maxLineLength: number = DEFAULT_MAX_LINE_LENGTH,
  refine?: Refine<A>
): Stream.Stream<A, E | Auth0Error.DecodeError | Auth0Error.ResponseTooLarge> => {
  type Failure = Auth0Error.DecodeError | Auth0Error.ResponseTooLarge
  const decodeError = (detail: string) => new Auth0Error.DecodeError({ method: "GET", path, status: 200, detail })
  const lineTooLong = (index: number) =>
    new Auth0Error.ResponseTooLarge({
      method: "GET",
      path,
      status: 200,
      limit: maxLineLength,
      detail: `line ${index + 1} of the export file longer than ${maxLineLength} characters (maxLineLength)`
    })
  const decode = Schema.decodeUnknownEither(ExportedUser)
  const parse = (line: string, index: number): Either.Either<ExportedUser, Auth0Error.DecodeError> => {
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch {
      // The parser's message quotes the line: a user's data has no place in an error.
      return Either.left(decodeError(`line ${index + 1} of the export file is not JSON`))
    }
    if (isDecodedExportedUser(json)) return Either.right(json)
    return Either.mapLeft(decode(json), (error) => {
      const where = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) =>
        issue.path.length === 0 ? "(the line)" : issue.path.map(String).join(".")
      )
      return decodeError(
        `line ${index + 1} of the export file is not an exported user (at ${[...new Set(where)].join(", ")})`
      )
    })
  }
  const corrupt = (cause: unknown) =>
    decodeError(`the export file is not valid gzip${cause instanceof Error ? ` (${cause.message})` : ""}`)
  return Stream.unwrapScoped(
    Effect.gen(function* () {
      const { fed, readable } = yield* gunzip(bytes, corrupt)
      const reader = readable.getReader()
      // Stopping early cancels the decompressor; after its end this settles at once.
      yield* Effect.addFinalizer(() => Effect.sync(() => reader.cancel().catch(ignore)))
      const read = Effect.tryPromise({ try: () => reader.read(), catch: corrupt })
      const decoder = new TextDecoder()
      let index = 0
      // The start of the current line, in the pieces it arrived in, and their total length.
      let rest: Array<string> = []
      let restLength = 0
      let ended = false
      // A bad line fails the stream only after the users before it are delivered: it waits here.
      let failed: Failure | undefined
      const decodeLine = (line: string, users: Array<A>): Failure | undefined => {
        const at = index++
        if (line.length > maxLineLength) return lineTooLong(at)
        if (line.trim() === "") return undefined
        const user = parse(line, at)
        if (Either.isLeft(user)) return user.left
        // Without `refine`, `A` is `ExportedUser`.
        users.push(refine === undefined ? (user.right as A) : refine(user.right, at + 1, path))
        return undefined
      }
      const takeRest = (tail: string): string => {
        const line = rest.length === 0 ? tail : rest.join("") + tail
        rest = []
        restLength = 0
        return line
      }
      // The complete lines of what was left over and `text`; what follows the last newline waits for more.
      const decodeLines = (text: string, users: Array<A>): Failure | undefined => {
        let from = 0
        for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", from)) {
          // A CR of CRLF stays on the line: JSON.parse takes it as whitespace.
          const piece = text.slice(from, end)
          const error = decodeLine(from === 0 ? takeRest(piece) : piece, users)
          from = end + 1
          if (error !== undefined) return error
        }
        if (from < text.length) {
          restLength += text.length - from
          // Past the limit the line fails now, without waiting for a newline that may never come.
          if (restLength > maxLineLength) return lineTooLong(index)
          rest.push(from === 0 ? text : text.slice(from))
        }
        return undefined
      }
      const failWith = (cause: Cause.Cause<E | Failure>): Effect.Effect<never, Option.Option<E | Failure>> =>
        Effect.failCause(Cause.map(cause, Option.some))
      const next: Effect.Effect<Chunk.Chunk<A>, Option.Option<E | Failure>> = Effect.suspend(() => {
        if (failed !== undefined) return Effect.fail(Option.some(failed))
        if (ended) return Effect.fail(Option.none())
        // Once the feed failed, its cause is the stream's and the unfinished last line is dropped:
        // the feed's error is what happened, not a half line that is not JSON.
        return Effect.matchCauseEffect(read, {
          onFailure: (cause) => failWith(fed() ?? cause),
          onSuccess: (result) => {
            const users: Array<A> = []
            let error: Failure | undefined
            if (result.done) {
              const feedFailed = fed()
              if (feedFailed !== undefined) return failWith(feedFailed)
              ended = true
              error = decodeLines(decoder.decode(), users) ?? decodeLine(takeRest(""), users)
            } else {
              error = decodeLines(decoder.decode(result.value, { stream: true }), users)
            }
            failed = error
            return users.length === 0 ? next : Effect.succeed(Chunk.unsafeFromArray(users))
          }
        })
      })
      return Stream.repeatEffectChunkOption(next)
    })
  )
}
