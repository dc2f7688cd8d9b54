/**
 * Guardian (MFA) enrollments and recovery codes.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"

const EnrollmentStruct = Schema.Struct(
  {
    id: Schema.String,
    status: Schema.optional(Schema.String),
    type: Schema.optional(Schema.String),
    name: Nullable(Schema.String),
    identifier: Nullable(Schema.String),
    phone_number: Nullable(Schema.String),
    auth_method: Nullable(Schema.String),
    enrolled_at: Nullable(Schema.String),
    last_auth: Nullable(Schema.String)
  },
  Extra
)

/**
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Enrollment } from "effect-auth0"
 * Schema.decodeUnknownSync(Enrollment.Enrollment)({ id: "dev_1", status: "confirmed", type: "authenticator" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Enrollment = named<Enrollment>()(EnrollmentStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Enrollment extends Schema.Schema.Type<typeof EnrollmentStruct> {}

const RecoveryCodeStruct = Schema.Struct({ recovery_code: Schema.Redacted(Schema.String) }, Extra)

/**
 * The new recovery code is a credential, so it decodes as `Redacted`: read it
 * with `Redacted.value` where you hand it to the user, and nowhere else.
 *
 * @example
 * ```ts
 * import { Redacted, Schema } from "effect"
 * import { Enrollment } from "effect-auth0"
 * const { recovery_code } = Schema.decodeUnknownSync(Enrollment.RecoveryCode)({ recovery_code: "32YCGV1JUE9G7MDJ71UTN12W" })
 * Redacted.value(recovery_code)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const RecoveryCode = named<RecoveryCode>()(RecoveryCodeStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface RecoveryCode extends Schema.Schema.Type<typeof RecoveryCodeStruct> {}
