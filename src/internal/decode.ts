/**
 * From an answer's text to the operation's value: JSON parsing and schema
 * decoding, with failures that say where the body did not match but never
 * what it held.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * Where the body did not match, without the values found there: a tree of the
 * whole body would carry every user's email and metadata into the message.
 */
const decodeProblem = (error: ParseResult.ParseError): string =>
  summarize(
    ParseResult.ArrayFormatter.formatErrorSync(error).map(
      (issue) => `${issue._tag} at ${issue.path.length === 0 ? "the root" : issue.path.join(".")}`
    )
  )

/** `Type at a.b; Missing at c`: the distinct places, five at most, and how many more there were. */
export const summarize = (places: ReadonlyArray<string>): string => {
  const unique = [...new Set(places)]
  return unique.slice(0, 5).join("; ") + (unique.length > 5 ? `; and ${unique.length - 5} more` : "")
}

/** A schema that is not synchronous fails the synchronous decoder with `Forbidden`: decode it as an `Effect`. */
export const isForbidden = (error: ParseResult.ParseError): boolean =>
  ParseResult.ArrayFormatter.formatErrorSync(error).some((issue) => issue._tag === "Forbidden")

export const parseJson = (text: string): Either.Either<unknown, string> => {
  if (text === "") return Either.right(undefined)
  try {
    return Either.right(JSON.parse(text))
  } catch {
    return Either.left("the body is not JSON")
  }
}

/** Decoders by schema: building one walks the schema, and the operations pass the same few schemas each time. */
const decoders = new WeakMap<Schema.Schema.All, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

/**
 * Decode without an `Effect` round trip: the library's schemas are synchronous.
 * A caller's schema may not be (an async transformation fails the synchronous
 * decoder with `Forbidden`); that one is decoded again as an `Effect`.
 */
export const decodeBody = <A, I, E>(
  schema: Schema.Schema<A, I>,
  json: unknown,
  onError: (detail: string) => E
): Effect.Effect<A, E> => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknownEither(schema)
    decoders.set(schema, decode)
  }
  const result = decode(json) as Either.Either<A, ParseResult.ParseError>
  if (Either.isRight(result)) return Effect.succeed(result.right)
  if (isForbidden(result.left)) {
    return Effect.mapError(Schema.decodeUnknown(schema)(json), (error) => onError(decodeProblem(error)))
  }
  return Effect.fail(onError(decodeProblem(result.left)))
}
