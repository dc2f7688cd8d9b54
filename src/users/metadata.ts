/**
 * Typed metadata: the user operations with `app_metadata` / `user_metadata`
 * decoded by the caller's schemas and their bodies encoded by them. Each is
 * the untyped operation followed by the metadata decoder (see
 * internal/metadata.ts), so requests, paging, keyset walks and the export are
 * the untyped API's own.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"
import type { Auth0Http } from "../Auth0Http.js"
import type * as Endpoint from "../Endpoint.js"
import * as Declared from "../internal/endpoints/users.js"
import * as ExportFile from "../internal/exportFile.js"
import * as ExportJob from "../internal/exportJob.js"
import * as Codec from "../internal/metadata.js"
import * as Path from "../internal/path.js"
import * as Query from "../Query.js"
import type { User } from "../schema/User.js"
import { listByEmail } from "./lookup.js"
import type { CreateBody, ListParams, ProjectionParams, UpdateBody } from "./models.js"
import * as Operations from "./operations.js"
import { stream, type StreamCursor, type StreamParams, streamWithCursor, USERS_PATH } from "./streams.js"

type Untyped = Readonly<Record<string, unknown>>

type WithoutMetadata<T> = {
  readonly [K in keyof T as K extends "app_metadata" | "user_metadata" ? never : K]: T[K]
}

/**
 * A user whose `app_metadata` is `App` and `user_metadata` is `Meta`, as the
 * schemas given to `withMetadata` decode them. Both stay optional: Auth0
 * leaves out empty metadata, and a `fields` projection may leave them out.
 *
 * @since 0.1.0
 * @category models
 */
export interface TypedUser<App, Meta> extends WithoutMetadata<User> {
  readonly app_metadata?: App
  readonly user_metadata?: Meta
}

/**
 * An exported user (`Users.export`) with its metadata decoded, when the
 * export asked for the whole `app_metadata` / `user_metadata` fields.
 *
 * @since 0.1.0
 * @category models
 */
export interface TypedExportedUser<App, Meta> extends WithoutMetadata<ExportFile.ExportedUser> {
  readonly app_metadata?: App
  readonly user_metadata?: Meta
}

/**
 * With `onInvalid: "keep"`, a user whose stored metadata does not match the
 * schemas: the user as Auth0 sent it (metadata as `Record<string, unknown>`)
 * and the paths of the keys that did not decode (`app_metadata.plan`), never
 * their values. It comes as the `Left` of an `Either`, so a typed user cannot
 * be read without handling it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Undecoded<U = User> extends Codec.Undecoded<U> {}

/**
 * A metadata update: every key optional, `null` deleting a key the schema
 * makes optional (Auth0 merges the top-level keys of a `PATCH`, and deletes a
 * key set to `null`). Deleting a required key, a key the schema does not
 * name, or a value of the wrong type does not compile.
 *
 * @since 0.1.0
 * @category models
 */
export type MetadataPatch<M> = {
  readonly [K in keyof M]?: Exclude<M[K], undefined> | (Partial<Pick<M, K>> extends Pick<M, K> ? null : never)
}

/**
 * `Users.create`'s body with the metadata typed (and encoded by its schema).
 *
 * @since 0.1.0
 * @category models
 */
export interface TypedCreateBody<App, Meta> extends Omit<CreateBody, "app_metadata" | "user_metadata"> {
  readonly app_metadata?: App | undefined
  readonly user_metadata?: Meta | undefined
}

/**
 * `Users.update`'s body with the metadata as patches (see `MetadataPatch`).
 *
 * @since 0.1.0
 * @category models
 */
export interface TypedUpdateBody<App, Meta> extends Omit<UpdateBody, "app_metadata" | "user_metadata"> {
  readonly app_metadata?: MetadataPatch<App> | undefined
  readonly user_metadata?: MetadataPatch<Meta> | undefined
}

/**
 * What `withMetadata` takes: the schema of `app_metadata`, of
 * `user_metadata` (either may be left out: that one stays
 * `Record<string, unknown>`), and what to do with a user whose stored
 * metadata does not match them: fail with `DecodeError` (`"fail"`, the
 * default) or deliver it undecoded as the `Left` of an `Either` (`"keep"`).
 *
 * @since 0.1.0
 * @category models
 */
export interface MetadataOptions {
  readonly app?: Codec.MetadataSchema | undefined
  readonly user?: Codec.MetadataSchema | undefined
  readonly onInvalid?: "fail" | "keep" | undefined
}

/**
 * The type `app_metadata` decodes to under `O`.
 *
 * @since 0.1.0
 * @category models
 */
export type AppMetadataOf<O extends MetadataOptions> = O extends { readonly app: infer S }
  ? S extends Schema.Schema<infer A, infer _I, never>
    ? A
    : Untyped
  : Untyped

/**
 * The type `user_metadata` decodes to under `O`.
 *
 * @since 0.1.0
 * @category models
 */
export type UserMetadataOf<O extends MetadataOptions> = O extends { readonly user: infer S }
  ? S extends Schema.Schema<infer A, infer _I, never>
    ? A
    : Untyped
  : Untyped

/** What a user comes out as: typed, or with `keep` either typed or undecoded. */
type Out<O extends MetadataOptions, Typed, Raw> = O extends { readonly onInvalid: "keep" }
  ? Either.Either<Typed, Undecoded<Raw>>
  : Typed

type ModeOf<O> = O extends { readonly onInvalid?: infer M } ? M : undefined

/**
 * An `onInvalid` only known as "`keep` or not" (a variable of type
 * `"fail" | "keep"`) would leave the users' type a guess: it must be a
 * literal, so that the operations' type says which it is.
 */
type Unambiguous<O> =
  "keep" extends ModeOf<O>
    ? [Exclude<ModeOf<O>, "keep">] extends [never]
      ? unknown
      : { readonly onInvalid: "keep" }
    : unknown

/**
 * A user as the operations of `withMetadata(options)` deliver it: a
 * `TypedUser`, or with `onInvalid: "keep"` an `Either<TypedUser, Undecoded>`.
 *
 * @since 0.1.0
 * @category models
 */
export type DeliveredUser<O extends MetadataOptions> = Out<O, TypedUser<AppMetadataOf<O>, UserMetadataOf<O>>, User>

/**
 * An exported user as `withMetadata(options).export` delivers it.
 *
 * @since 0.1.0
 * @category models
 */
export type DeliveredExportedUser<O extends MetadataOptions> = Out<
  O,
  TypedExportedUser<AppMetadataOf<O>, UserMetadataOf<O>>,
  ExportFile.ExportedUser
>

type SchemaOf<O, K extends "app" | "user"> = O extends { readonly [P in K]: infer S } ? S : undefined

type ErrorOf<F extends (...args: ReadonlyArray<never>) => Effect.Effect<unknown, unknown, unknown>> =
  Effect.Effect.Error<ReturnType<F>>

/**
 * The user operations that return users, the same as `Users.*` (same
 * parameters, requests, paging, errors), with the metadata typed by
 * `options` (see `withMetadata`).
 *
 * @since 0.1.0
 * @category models
 */
export interface WithMetadata<O extends MetadataOptions> {
  /**
   * The schemas as given, for what else needs the metadata's types (search
   * field names: `AppMetadataOf<O>`, `UserMetadataOf<O>`).
   */
  readonly schemas: { readonly app: SchemaOf<O, "app">; readonly user: SchemaOf<O, "user"> }
  /**
   * `Query`'s builders with field names from the schemas' keys
   * (`app_metadata.plan`, `user_metadata.address.city`) and `eq` values of
   * the key's type: `q` for `list`, `stream` and `streamWithCursor`.
   */
  readonly query: Query.Builders<AppMetadataOf<O>, UserMetadataOf<O>>
  /** `Users.get`. */
  readonly get: (
    id: string,
    params?: ProjectionParams
  ) => Effect.Effect<DeliveredUser<O>, ErrorOf<typeof Operations.get>, Auth0Http>
  /** `Users.list`: one page, its users typed. */
  readonly list: (
    params?: ListParams
  ) => Effect.Effect<Endpoint.OffsetPage<"users", DeliveredUser<O>>, ErrorOf<typeof Operations.list>, Auth0Http>
  /** `Users.stream`, with its keyset walk and range splitting; a user that does not decode fails the stream after the users before it, or (`keep`) comes as a `Left`. */
  readonly stream: (
    params?: StreamParams
  ) => Stream.Stream<DeliveredUser<O>, Auth0Error.For<never> | Auth0Error.LimitExceeded, Auth0Http>
  /** `Users.streamWithCursor`. */
  readonly streamWithCursor: (
    params?: StreamParams
  ) => Stream.Stream<
    { readonly user: DeliveredUser<O>; readonly cursor: StreamCursor },
    Auth0Error.For<never> | Auth0Error.LimitExceeded,
    Auth0Http
  >
  /** `Users.listByEmail`. */
  readonly listByEmail: (
    email: string,
    params?: ProjectionParams
  ) => Effect.Effect<ReadonlyArray<DeliveredUser<O>>, ErrorOf<typeof listByEmail>, Auth0Http>
  /** `Users.create`, the metadata encoded by its schema; one that does not encode is `BadRequest` (not sent). */
  readonly create: (
    connection: string,
    body?: TypedCreateBody<AppMetadataOf<O>, UserMetadataOf<O>>
  ) => Effect.Effect<DeliveredUser<O>, ErrorOf<typeof Operations.create>, Auth0Http>
  /** `Users.update`, each metadata patch encoded by its keys' schemas; `null` deletes a key; an empty patch is not sent. */
  readonly update: (
    id: string,
    body: TypedUpdateBody<AppMetadataOf<O>, UserMetadataOf<O>>
  ) => Effect.Effect<DeliveredUser<O>, ErrorOf<typeof Operations.update>, Auth0Http>
  /** `Users.export`: whole `app_metadata` / `user_metadata` fields are decoded; a bad line fails naming its number, or (`keep`) comes as a `Left`. */
  readonly export: (
    options?: ExportJob.ExportOptions
  ) => Stream.Stream<DeliveredExportedUser<O>, Auth0Error.Common | Auth0Error.ExportFailed, Auth0Http>
}

const decodeError = (method: string, path: string, status: number, detail: string) =>
  new Auth0Error.DecodeError({ method, path, status, detail })

/**
 * The user operations with typed metadata: state the schemas of
 * `app_metadata` and `user_metadata` once, and `get`, `list`, `stream`,
 * `streamWithCursor`, `listByEmail`, `create`, `update` and `export` deliver
 * users whose metadata is decoded by them, and take bodies whose metadata is
 * checked (at compile time) and encoded (at run time) by them. A user whose
 * stored metadata does not match fails the operation with `DecodeError`
 * naming the failing keys' paths (not their values), or with
 * `onInvalid: "keep"` comes undecoded as the `Left` of an `Either`.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Users } from "effect-auth0"
 * const Acme = Users.withMetadata({
 *   app: Schema.Struct({ plan: Schema.Literal("free", "pro"), trial_ends: Schema.optional(Schema.Date) }),
 *   user: Schema.Struct({ theme: Schema.optional(Schema.Literal("light", "dark")) })
 * })
 * const program = Effect.gen(function* () {
 *   const user = yield* Acme.get("auth0|63d17c4c5d69f3e86d515d1c")
 *   if (user.app_metadata?.plan === "free") {
 *     yield* Acme.update(user.user_id, { app_metadata: { plan: "pro", trial_ends: null } })
 *   }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const withMetadata = <const O extends MetadataOptions>(options: O & Unambiguous<O>): WithMetadata<O> => {
  type T = TypedUser<AppMetadataOf<O>, UserMetadataOf<O>>
  type U = DeliveredUser<O>
  type X = DeliveredExportedUser<O>
  const schemas = { app: options.app, user: options.user } as WithMetadata<O>["schemas"]
  const keep = options.onInvalid === "keep"
  const decode = Codec.decoder(options)
  const one = Codec.outcome<User, T>(decode, keep) as <E>(
    user: User,
    onFail: (problem: Codec.Problem) => E
  ) => Codec.Result<U, E>
  const exported = Codec.outcome<ExportFile.ExportedUser, unknown>(decode, keep)

  /** Every user of an answer, each decoded; a failure's paths start at the user's place in the body. */
  const all = (users: ReadonlyArray<User>, path: string, at: (i: number) => string) =>
    Effect.forEach(users, (user, i) =>
      one(user, (problem) => decodeError("GET", path, 200, Codec.describe(problem, at(i))))
    )

  /** A stream's users decoded in order, counted from 1 per run, so that a failure names which. */
  const streamed = <A>(
    source: Stream.Stream<A, Auth0Error.For<never> | Auth0Error.LimitExceeded, Auth0Http>,
    userOf: (a: A) => User,
    rebuild: (a: A, user: U) => unknown
  ) =>
    Stream.suspend(() => {
      let n = 0
      return Codec.mapStream(source, (a) => {
        const at = ++n
        return Codec.mapResult(
          one(userOf(a), (problem) =>
            decodeError("GET", USERS_PATH, 200, `user ${at} of the stream: ${Codec.describe(problem)}`)
          ),
          (e) => e,
          (user) => rebuild(a, user)
        )
      })
    })

  const encodeFailure = (method: string, path: string) => (problem: Codec.Problem) =>
    Codec.refusal(method, path, problem)

  return {
    schemas,
    query: Query.typed<AppMetadataOf<O>, UserMetadataOf<O>>(),
    get: (id, params) =>
      Effect.flatMap(Operations.get(id, params), (user) =>
        one(user, (problem) =>
          decodeError("GET", Path.apiPath(Declared.get.path, { id }), 200, Codec.describe(problem))
        )
      ),
    list: (params) =>
      Effect.flatMap(Operations.list(params), (page) =>
        Effect.map(
          all(page.users, USERS_PATH, (i) => `users.${i}`),
          (users) => ({ ...page, users })
        )
      ),
    stream: (params) =>
      streamed(
        stream(params),
        (user) => user,
        (_, user) => user
      ) as Stream.Stream<U, Auth0Error.For<never> | Auth0Error.LimitExceeded, Auth0Http>,
    streamWithCursor: (params) =>
      streamed(
        streamWithCursor(params),
        ({ user }) => user,
        ({ cursor }, user) => ({ user, cursor })
      ) as Stream.Stream<
        { readonly user: U; readonly cursor: StreamCursor },
        Auth0Error.For<never> | Auth0Error.LimitExceeded,
        Auth0Http
      >,
    listByEmail: (email, params) =>
      Effect.flatMap(listByEmail(email, params), (users) => all(users, "/api/v2/users-by-email", String)),
    create: (connection, body = {}) =>
      Codec.encodeCreate(schemas, body).pipe(
        Effect.mapError(encodeFailure("POST", USERS_PATH)),
        Effect.flatMap((encoded) => Operations.create(connection, encoded as CreateBody)),
        Effect.flatMap((user) => one(user, (problem) => decodeError("POST", USERS_PATH, 201, Codec.describe(problem))))
      ),
    update: (id, body) => {
      const path = Path.apiPath(Declared.update.path, { id })
      return Codec.encodeUpdate(schemas, body).pipe(
        Effect.mapError(encodeFailure("PATCH", path)),
        Effect.flatMap((encoded) => Operations.update(id, encoded as UpdateBody)),
        Effect.flatMap((user) => one(user, (problem) => decodeError("PATCH", path, 200, Codec.describe(problem))))
      )
    },
    export: (exportOptions) =>
      // The line's number and the file's path come along from the line's own decoding; the metadata is decoded
      // after, a chunk at a time (and as an `Effect` where a caller's schema is asynchronous).
      Codec.mapStream(
        ExportJob.exportWith(exportOptions, (user, line, path) => ({ user, line, path })),
        ({ line, path, user }) =>
          exported(user, (problem) =>
            decodeError("GET", path, 200, `line ${line} of the export file: ${Codec.describe(problem)}`)
          )
      ) as Stream.Stream<X, Auth0Error.Common | Auth0Error.ExportFailed, Auth0Http>
  }
}
