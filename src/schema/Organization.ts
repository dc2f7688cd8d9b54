/**
 * An organization a user belongs to.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Extra, Metadata, named } from "../internal/schema.js"

/**
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Organization } from "effect-auth0"
 * const colors = Schema.decodeUnknownSync(Organization.BrandingColors)({ primary: "#0059d6", page_background: "#000000" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const BrandingColors = Schema.Struct(
  {
    primary: Schema.optional(Schema.String),
    page_background: Schema.optional(Schema.String)
  },
  Extra
)

/**
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Organization } from "effect-auth0"
 * const branding = Schema.decodeUnknownSync(Organization.Branding)({ logo_url: "https://example.com/logo.gif" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Branding = Schema.Struct(
  {
    logo_url: Schema.optional(Schema.String),
    colors: Schema.optional(BrandingColors)
  },
  Extra
)

const OrganizationStruct = Schema.Struct(
  {
    id: Schema.String,
    name: Schema.String,
    display_name: Schema.optional(Schema.String),
    branding: Schema.optional(Branding),
    metadata: Schema.optional(Metadata)
  },
  Extra
)

/**
 * `id` and `name` always come; the rest only when the organization has them.
 * Fields Auth0 adds later (`token_quota`, …) are kept in the decoded value.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Organization } from "effect-auth0"
 * const org = Schema.decodeUnknownSync(Organization.Organization)({
 *   id: "org_VvIJTfJhf3NwyCie",
 *   name: "test-organization368",
 *   display_name: "Test Organization",
 *   branding: { logo_url: "https://example.com/logo.gif" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Organization = named<Organization>()(OrganizationStruct)

/**
 * @since 0.1.0
 * @category models
 */
export interface Organization extends Schema.Schema.Type<typeof OrganizationStruct> {}
