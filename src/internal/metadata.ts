/**
 * Typed metadata, the codec half: decoding the `app_metadata` / `user_metadata`
 * of a user the pipeline already decoded (as `Record<string, unknown>`) with
 * the caller's schemas, and encoding create and update bodies with them. The
 * operations stay the untyped ones: the typed API is each of them followed by
 * `decoder(...)` on what it delivers, so paging, keyset walks and the export
 * see the users exactly as the untyped API does.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"
import { isForbidden, summarize } from "./decode.js"

/** A metadata schema as the caller gives it: any schema of an object, without requirements. */
export type MetadataSchema = Schema.Schema.AnyNoContext & { readonly Type: object; readonly Encoded: object }

export interface Schemas {
  readonly app?: MetadataSchema | undefined
  readonly user?: MetadataSchema | undefined
}

/** Why a user's metadata did not decode: the kind and path of each failing key, never the values found there. */
export interface Problem {
  readonly issues: ReadonlyArray<{ readonly tag: string; readonly path: string }>
}

/** The distinct paths of a problem, for `Undecoded.invalid`. */
export const paths = (problem: Problem): ReadonlyArray<string> => [...new Set(problem.issues.map((i) => i.path))]

/** `Type at users.3.app_metadata.plan; …`: the problem's issues, their paths under `prefix`, five at most. */
export const describe = (problem: Problem, prefix?: string): string =>
  summarize(problem.issues.map((i) => `${i.tag} at ${prefix === undefined ? i.path : `${prefix}.${i.path}`}`))

const KEYS = ["app_metadata", "user_metadata"] as const
type Key = (typeof KEYS)[number]

const schemaOf = (schemas: Schemas, key: Key): MetadataSchema | undefined =>
  key === "app_metadata" ? schemas.app : schemas.user

const problemOf = (error: ParseResult.ParseError, under?: Key): Problem => ({
  issues: ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => {
    const path = [...(under === undefined ? [] : [under]), ...issue.path.map(String)]
    return { tag: issue._tag, path: path.length === 0 ? "(the root)" : path.join(".") }
  })
})

/**
 * What a decoder gives: an `Either` when the caller's schema is synchronous
 * (the common case), read in place without an `Effect` run per user (a
 * stream's users are decoded a chunk at a time); else the `Effect` that
 * decodes it. Both are `Effect`s.
 */
export type Result<A, E> = Either.Either<A, E> | Effect.Effect<A, E>

export const mapResult = <A, E, B, E2>(
  result: Result<A, E>,
  onFailure: (e: E) => E2,
  onSuccess: (a: A) => B
): Result<B, E2> =>
  Either.isEither(result)
    ? Either.mapBoth(result, { onLeft: onFailure, onRight: onSuccess })
    : Effect.mapBoth(result, { onFailure, onSuccess })

/** Run a decoder synchronously when it can be (no async transformation in the caller's schema), else as an `Effect`. */
const run = <A>(
  sync: (u: unknown) => Either.Either<A, ParseResult.ParseError>,
  effectful: (u: unknown) => Effect.Effect<A, ParseResult.ParseError>,
  input: unknown
): Result<A, ParseResult.ParseError> => {
  const result = sync(input)
  return Either.isLeft(result) && isForbidden(result.left) ? effectful(input) : result
}

/**
 * The decoder of one user's metadata: succeeds with the user, its metadata
 * replaced by the decoded values, or fails with the problem. A field the
 * answer does not hold (a `fields` projection, a user without metadata) is
 * left absent, not decoded.
 */
export const decoder = (schemas: Schemas) => {
  // Exact: a present field is never `undefined`, and the union with it would name the field as failing too.
  const struct = Schema.Struct({
    app_metadata: Schema.optionalWith(schemas.app ?? Schema.Unknown, { exact: true }),
    user_metadata: Schema.optionalWith(schemas.user ?? Schema.Unknown, { exact: true })
  })
  const sync = Schema.decodeUnknownEither(struct)
  const effectful = Schema.decodeUnknown(struct)
  return <U extends object, T>(user: U): Result<T, Problem> => {
    const raw = user as Readonly<Record<string, unknown>>
    const picked: Record<string, unknown> = {}
    for (const key of KEYS) if (schemaOf(schemas, key) !== undefined && raw[key] !== undefined) picked[key] = raw[key]
    if (Object.keys(picked).length === 0) return Either.right(user as unknown as T)
    return mapResult(run(sync, effectful, picked), problemOf, (decoded) => ({ ...raw, ...decoded }) as T)
  }
}

/** The library's refusal of a body whose metadata does not encode: nothing was sent. */
export const refusal = (method: string, path: string, problem: Problem): Auth0Error.BadRequest =>
  new Auth0Error.BadRequest({
    method,
    path,
    status: 400,
    errorCode: "invalid_metadata",
    description: `The metadata does not encode with its schema (${describe(problem)}), so the request was not sent`,
    sent: false
  })

const encodeWith = (schema: Schema.Schema.AnyNoContext, value: unknown, key: Key) => {
  const sync = Schema.encodeUnknownEither(schema)
  const effectful = Schema.encodeUnknown(schema)
  // The issue paths start inside the metadata object: name it, as the decoder's do.
  return Effect.mapError(run(sync, effectful, value) as Effect.Effect<unknown, ParseResult.ParseError>, (error) =>
    problemOf(error, key)
  )
}

/** A create body's metadata, each whole object encoded by its schema. */
export const encodeCreate = <B extends object>(schemas: Schemas, body: B): Effect.Effect<B, Problem> =>
  encodeBody(schemas, body, (schema, value, key) => encodeWith(schema, value, key))

/**
 * An update body's metadata patch: the keys set to a value are encoded by
 * their own fields of the schema (so a partial patch encodes), the keys set
 * to `null` are sent as `null` (Auth0 deletes them), `undefined` ones are
 * dropped. A patch that names no key is left out of the body: Auth0 takes an
 * empty object as "clear all the metadata", which a typed patch never means.
 */
export const encodeUpdate = <B extends object>(schemas: Schemas, body: B): Effect.Effect<B, Problem> =>
  encodeBody(schemas, body, (schema, value, key) => {
    const patch = value as Readonly<Record<string, unknown>>
    const set = Object.keys(patch).filter((k) => patch[k] !== undefined && patch[k] !== null)
    const deleted = Object.keys(patch).filter((k) => patch[k] === null)
    if (set.length === 0 && deleted.length === 0) return Effect.succeed(undefined)
    const values = Object.fromEntries(set.map((k) => [k, patch[k]]))
    const nulls = Object.fromEntries(deleted.map((k) => [k, null]))
    if (set.length === 0) return Effect.succeed(nulls)
    const picked = (schema as Schema.Schema<object, object>).pipe(Schema.pick(...(set as Array<never>)))
    return Effect.map(encodeWith(picked, values, key), (encoded) => ({ ...(encoded as object), ...nulls }))
  })

const encodeBody = <B extends object>(
  schemas: Schemas,
  body: B,
  encode: (schema: MetadataSchema, value: unknown, key: Key) => Effect.Effect<unknown, Problem>
): Effect.Effect<B, Problem> =>
  Effect.gen(function* () {
    const out = { ...body } as Record<string, unknown>
    for (const key of KEYS) {
      const schema = schemaOf(schemas, key)
      const value = out[key]
      if (schema === undefined || value === undefined || value === null) continue
      const encoded = yield* encode(schema, value, key)
      if (encoded === undefined) delete out[key]
      else out[key] = encoded
    }
    return out as B
  })

/** What `onInvalid: "keep"` delivers for a user whose metadata did not decode: the user as sent, and why. */
export interface Undecoded<U> {
  readonly _tag: "Undecoded"
  /** The user as Auth0 sent it, its metadata undecoded. */
  readonly user: U
  /** The paths of the keys that did not decode (`app_metadata.plan`), never their values. */
  readonly invalid: ReadonlyArray<string>
}

/** How one operation's users come out: decoded or a failure (`fail`), or each as an `Either` (`keep`). */
export const outcome =
  <U extends object, T>(decode: (user: U) => Result<T, Problem>, keep: boolean) =>
  <E>(user: U, onFail: (problem: Problem) => E): Result<T | Either.Either<T, Undecoded<U>>, E> => {
    const result = decode(user)
    if (!keep) return mapResult(result, onFail, (typed) => typed)
    const undecoded = (problem: Problem) =>
      Either.left<Undecoded<U>>({ _tag: "Undecoded", user, invalid: paths(problem) })
    return Either.isEither(result)
      ? Either.right(Either.match(result, { onLeft: undecoded, onRight: (typed) => Either.right(typed) }))
      : Effect.match(result, { onFailure: undecoded, onSuccess: (typed) => Either.right(typed) })
  }

/**
 * A stream's elements through `step`, a chunk at a time: synchronous results
 * are read in place, and the first failure ends the stream after the
 * elements before it; from an asynchronous one on, the rest of the chunk goes
 * one `Effect` at a time.
 */
export const mapStream = <A, B, E, E2, R>(
  source: Stream.Stream<A, E, R>,
  step: (a: A) => Result<B, E2>
): Stream.Stream<B, E | E2, R> =>
  Stream.flatMap(
    Stream.chunks(source),
    (chunk): Stream.Stream<B, E2> => {
      const out: Array<B> = []
      const items = Chunk.toReadonlyArray(chunk)
      for (let i = 0; i < items.length; i++) {
        const result = step(items[i]!)
        if (!Either.isEither(result)) {
          const rest = Stream.mapEffect(Stream.fromIterable(items.slice(i + 1)), step)
          return Stream.concat(
            Stream.fromChunk(Chunk.unsafeFromArray(out)),
            Stream.concat(Stream.fromEffect(result), rest)
          )
        }
        if (Either.isLeft(result))
          return Stream.concat(Stream.fromChunk(Chunk.unsafeFromArray(out)), Stream.fail(result.left))
        out.push(result.right)
      }
      return Stream.fromChunk(Chunk.unsafeFromArray(out))
    },
    { concurrency: 1 }
  )
