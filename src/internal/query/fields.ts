/**
 * The field names of user search, as types: the profile fields Auth0 indexes, `identities.*`, and
 * metadata paths built from the keys of the caller's metadata types.
 */

/** Profile fields Auth0 indexes that hold text. */
export type TextField =
  | "user_id"
  | "email"
  | "email.domain"
  | "name"
  | "given_name"
  | "family_name"
  | "nickname"
  | "username"
  | "phone_number"
  | "last_ip"
  | "organization_id"

/** Profile fields that hold a boolean. `blocked` is set by admin blocks only. */
export type BooleanField = "email_verified" | "phone_verified" | "blocked"

/** Profile fields that hold a number. */
export type NumberField = "logins_count"

/** Profile fields that hold an ISO 8601 timestamp. */
export type DateField = "created_at" | "updated_at" | "last_login" | "last_password_reset"

/** Fields of each identity; Auth0 ignores the array level (`identities.connection:"github"`). */
export type IdentityField =
  "identities.connection" | "identities.provider" | "identities.user_id" | "identities.isSocial"

/** Plain objects are walked into; arrays are transparent (Auth0 ignores the array level). */
type Walk<T> = T extends ReadonlyArray<infer E> ? Walk<E> : T extends object ? T : never

type Depth = [never, 0, 1, 2, 3]

/**
 * The dotted paths of `T`: each key, and for an object value each of its own paths after a dot,
 * four levels deep. With `Record<string, unknown>` any key (`string`) is a path.
 */
export type Paths<T, D extends number = 4> = [D] extends [never]
  ? never
  : {
      [K in keyof T & string]: K | ([Walk<T[K]>] extends [never] ? never : `${K}.${Paths<Walk<T[K]>, Depth[D]>}`)
    }[keyof T & string]

/** The value at a dotted path of `T`, arrays transparent; `unknown` where the path is not a key. */
export type At<T, P extends string> = P extends `${infer K}.${infer Rest}`
  ? K extends keyof T
    ? At<Walk<T[K]>, Rest>
    : unknown
  : P extends keyof T
    ? T[P] extends ReadonlyArray<infer E>
      ? E
      : T[P]
    : unknown

/**
 * A field that user search can look in. `App` and `User` are the types of `app_metadata` and
 * `user_metadata`: with the defaults any key is allowed, with a type only its (dotted) paths.
 */
export type Field<App = Record<string, unknown>, User = Record<string, unknown>> =
  | TextField
  | BooleanField
  | NumberField
  | DateField
  | IdentityField
  | `app_metadata.${Paths<App>}`
  | `user_metadata.${Paths<User>}`

/** The fields Auth0 allows wildcards and ranges on: all but `user_metadata.*`. */
export type PatternField<App = Record<string, unknown>, User = Record<string, unknown>> = Exclude<
  Field<App, User>,
  `user_metadata.${string}`
>

/** A scalar a search can compare with. */
export type Scalar = string | number | boolean

type Searchable<V> = [Extract<V, Scalar>] extends [never] ? Scalar : Extract<V, Scalar>

/** What `eq` compares `F` with: the field's own type where it is known, any scalar where not. */
export type ValueOf<F, App, User> = F extends TextField | DateField
  ? string
  : F extends BooleanField | "identities.isSocial"
    ? boolean
    : F extends NumberField
      ? number
      : F extends IdentityField
        ? string
        : F extends `app_metadata.${infer P}`
          ? Searchable<At<App, P>>
          : F extends `user_metadata.${infer P}`
            ? Searchable<At<User, P>>
            : Scalar

/** What a range bound of `F` may be: dates for timestamps, numbers for counts. */
export type BoundOf<F, App, User> = F extends DateField
  ? Date | string
  : F extends NumberField
    ? number
    : Extract<ValueOf<F, App, User>, string | number>

/** Fields whose range bounds are timestamps. */
export const DATE_FIELDS: ReadonlySet<string> = new Set<DateField>([
  "created_at",
  "updated_at",
  "last_login",
  "last_password_reset"
])
