import * as Schema from "effect/Schema"

/** Index signature that keeps fields Auth0 adds later instead of dropping or rejecting them. */
export const Extra = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** Free-form metadata objects. */
export const Metadata = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** Some IdPs send `"true"` / `"false"` for booleans; accept both forms. */
export const LenientBoolean = Schema.Union(
  Schema.Boolean,
  Schema.transform(Schema.Literal("true", "false"), Schema.Boolean, {
    strict: true,
    decode: (s) => s === "true",
    encode: (b) => (b ? "true" : "false")
  })
)

/** An optional field Auth0 may also send as `null`. */
export const Nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))
