/**
 * A tenant log event, as `GET /users/{id}/logs` returns it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Nullable, named } from "../internal/schema.js"

const LogEventStruct = Schema.Struct(
  {
    log_id: Schema.String,
    date: Schema.String,
    type: Schema.String,
    description: Nullable(Schema.String),
    connection: Nullable(Schema.String),
    connection_id: Nullable(Schema.String),
    client_id: Nullable(Schema.String),
    client_name: Nullable(Schema.String),
    ip: Nullable(Schema.String),
    hostname: Nullable(Schema.String),
    user_id: Nullable(Schema.String),
    user_name: Nullable(Schema.String),
    user_agent: Nullable(Schema.String),
    audience: Nullable(Schema.String),
    scope: Nullable(Schema.Union(Schema.String, Schema.Array(Schema.String))),
    strategy: Nullable(Schema.String),
    strategy_type: Nullable(Schema.String),
    isMobile: Nullable(Schema.Boolean),
    details: Nullable(Schema.Unknown),
    location_info: Nullable(Schema.Unknown)
  },
  Extra
)

/**
 * Most fields are optional and may be `null` (Auth0 sends `"connection": null`,
 * `"details": null`); `scope` is a string, or an array of strings in some events.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { LogEvent } from "effect-auth0"
 * Schema.decodeUnknownSync(LogEvent.LogEvent)({ log_id: "900", date: "2023-03-14T14:47:08.713Z", type: "s" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const LogEvent = named<LogEvent>()(LogEventStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface LogEvent extends Schema.Schema.Type<typeof LogEventStruct> {}
