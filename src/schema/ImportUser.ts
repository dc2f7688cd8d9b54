/**
 * One user of a bulk import file, as Auth0's bulk-import schema describes it:
 * the profile, a password hash (bcrypt, or `custom_password_hash` for the
 * other algorithms Auth0 can verify), and MFA enrollments to carry over.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Metadata, named } from "../internal/schema.js"

const Encoding = Schema.Literal("base64", "hex", "utf8")

const CustomPasswordHashStruct = Schema.Struct({
  algorithm: Schema.Literal(
    "argon2",
    "bcrypt",
    "hmac",
    "ldap",
    "md4",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "pbkdf2",
    "scrypt"
  ),
  hash: Schema.Struct({
    value: Schema.String,
    encoding: Schema.optional(Encoding),
    /** The digest of `hmac` and `pbkdf2`. */
    digest: Schema.optional(Schema.String),
    /** The key of `hmac`. */
    key: Schema.optional(Schema.Struct({ value: Schema.String, encoding: Schema.optional(Encoding) }))
  }),
  salt: Schema.optional(
    Schema.Struct({
      value: Schema.String,
      encoding: Schema.optional(Encoding),
      position: Schema.Literal("prefix", "suffix")
    })
  ),
  password: Schema.optional(
    Schema.Struct({ encoding: Schema.Literal("ascii", "utf8", "utf16le", "ucs2", "latin1", "binary") })
  ),
  /** `scrypt`'s parameters. */
  keylen: Schema.optional(Schema.Int),
  cost: Schema.optional(Schema.Int),
  blockSize: Schema.optional(Schema.Int),
  parallelization: Schema.optional(Schema.Int)
})

/**
 * A password hash in one of the algorithms Auth0 verifies at login, with the
 * salt, key and parameters the algorithm needs.
 *
 * @example
 * ```ts
 * import { ImportUser } from "effect-auth0"
 * const hash: ImportUser.CustomPasswordHash = {
 *   algorithm: "sha256",
 *   hash: { value: "d24e794e3ad1d7a3d1fd4c0cd4e7b06d1f6b3a1b6e4b0c2a5f1b8c5d2e9a7f30", encoding: "hex" },
 *   salt: { value: "abc", position: "prefix" }
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const CustomPasswordHash = named<CustomPasswordHash>()(CustomPasswordHashStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface CustomPasswordHash extends Schema.Schema.Type<typeof CustomPasswordHashStruct> {}

/**
 * An MFA enrollment to import: an authenticator app's secret (unpadded
 * base32), a phone number for SMS (E.164) or an email address.
 *
 * @example
 * ```ts
 * import { ImportUser } from "effect-auth0"
 * const factors: ReadonlyArray<ImportUser.MfaFactor> = [{ totp: { secret: "JBTWY3DPEHPK3PNP" } }, { phone: { value: "+12125550001" } }]
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const MfaFactor = Schema.Union(
  Schema.Struct({ totp: Schema.Struct({ secret: Schema.String.pipe(Schema.pattern(/^[A-Z2-7]+$/)) }) }),
  Schema.Struct({ phone: Schema.Struct({ value: Schema.String.pipe(Schema.pattern(/^\+[0-9]{1,15}$/)) }) }),
  Schema.Struct({ email: Schema.Struct({ value: Schema.String }) })
)

/**
 * @since 0.1.0
 * @category models
 */
export type MfaFactor = Schema.Schema.Type<typeof MfaFactor>

const ImportUserStruct = Schema.Struct({
  email: Schema.optional(Schema.String),
  email_verified: Schema.optional(Schema.Boolean),
  phone_number: Schema.optional(Schema.String),
  phone_verified: Schema.optional(Schema.Boolean),
  user_id: Schema.optional(Schema.String),
  username: Schema.optional(Schema.String),
  given_name: Schema.optional(Schema.String),
  family_name: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  nickname: Schema.optional(Schema.String),
  picture: Schema.optional(Schema.String),
  blocked: Schema.optional(Schema.Boolean),
  password_hash: Schema.optional(Schema.String),
  custom_password_hash: Schema.optional(CustomPasswordHash),
  app_metadata: Schema.optional(Metadata),
  user_metadata: Schema.optional(Metadata),
  mfa_factors: Schema.optional(Schema.Array(MfaFactor))
})

/**
 * One user of an import file. `user_id` is without the connection's prefix
 * (Auth0 adds `auth0|`); `password_hash` is bcrypt (`$2a$`/`$2b$`), other
 * algorithms go in `custom_password_hash`. Upserted users get `app_metadata`
 * and `user_metadata` replaced, not merged, and `email_verified` false unless
 * it is given.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ImportUser } from "effect-auth0"
 * const user = Schema.decodeUnknownSync(ImportUser.ImportUser)({
 *   email: "ada@example.com",
 *   email_verified: true,
 *   password_hash: "$2b$10$C9Lo9cZbdJ.Ax/jGQm2lpeS2S/UjN6qK0wEYV0x6MLyT1bPqH1V7i",
 *   mfa_factors: [{ totp: { secret: "JBTWY3DPEHPK3PNP" } }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ImportUser = named<ImportUser>()(ImportUserStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface ImportUser extends Schema.Schema.Type<typeof ImportUserStruct> {}
