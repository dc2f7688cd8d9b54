/**
 * Times in an answer's headers, read on the server's clock. `X-RateLimit-Reset`
 * and a `Retry-After` date are instants of the tenant's clock; counted from
 * ours, a client clock behind the server's would wait for a reset that has long
 * passed, and one ahead would send into a bucket that is still empty. The
 * answer's own `Date` says what the server's clock read when it answered.
 */
import type * as Headers from "@effect/platform/Headers"

/**
 * The longest wait a header may ask for: Auth0's longest window is a day (the
 * per-day token quotas; the Management API's buckets refill within a minute).
 * A longer one is a wrong header, read as this.
 */
const LONGEST_WAIT_MILLIS = 24 * 60 * 60 * 1000

/**
 * A local clock within this much after `Date` agrees with the server's: `Date`
 * is cut to the second, and the answer took a moment to arrive.
 */
const AGREEMENT_MILLIS = 2_000

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const MONTH = `(${MONTHS.join("|")})`
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})"
/** RFC 9110 §5.6.7: the IMF-fixdate senders use, and the two obsolete forms recipients must still accept. */
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`)
const RFC850 = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`
)
const ASCTIME = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`)

const utc = (year: number, month: string, day: number, h: string, m: string, s: string): number | undefined => {
  const [hours, minutes, seconds] = [Number(h), Number(m), Number(s)]
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined
  const monthIndex = MONTHS.indexOf(month)
  const millis = Date.UTC(year, monthIndex, day, hours, minutes, Math.min(seconds, 59))
  // Date.UTC rolls 31 Feb over into March: such a date is not one.
  return new Date(millis).getUTCDate() === day && day >= 1 ? millis : undefined
}

/** An HTTP-date (epoch millis), or undefined for anything else (`Date.parse` takes "1" for the year 2001). */
const httpDate = (raw: string): number | undefined => {
  const text = raw.trim()
  let m = IMF_FIXDATE.exec(text)
  if (m !== null) return utc(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!)
  m = RFC850.exec(text)
  if (m !== null) {
    // A two-digit year is the latest one with those digits that is not more than 50 years ahead.
    const now = new Date().getUTCFullYear()
    let year = Math.floor(now / 100) * 100 + Number(m[3])
    if (year > now + 50) year -= 100
    return utc(year, m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!)
  }
  m = ASCTIME.exec(text)
  if (m !== null) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!)
  return undefined
}

/**
 * What the server's clock read when the answer arrived (`localNow`): our
 * clock where it agrees with `Date`, else `Date` itself. `Date` is the second
 * the server answered in, so a wait counted from it is at most a second longer
 * than the real one, and never shorter. Without a usable `Date`, our clock.
 */
export const serverNow = (headers: Headers.Headers, localNow: number): number => {
  const raw = headers["date"]
  const date = raw === undefined ? undefined : httpDate(raw)
  if (date === undefined) return localNow
  return localNow >= date && localNow < date + AGREEMENT_MILLIS ? localNow : date
}

/** Milliseconds from `from` until `until`, within 0 and `LONGEST_WAIT_MILLIS`. */
export const boundedWait = (until: number, from: number): number =>
  Math.min(LONGEST_WAIT_MILLIS, Math.max(0, until - from))

/**
 * `Retry-After` as RFC 9110 has it, `delay-seconds = 1*DIGIT` or an HTTP-date,
 * in milliseconds from `serverMillis` (see `serverNow`) and bounded; undefined
 * for anything else (`-5`, `0x10`, `1e3`, `1.5`), which is ignored.
 */
export const retryAfterMillis = (raw: string, serverMillis: number): number | undefined => {
  const text = raw.trim()
  if (/^\d+$/.test(text)) return Math.min(LONGEST_WAIT_MILLIS, Number(text) * 1000)
  const date = httpDate(text)
  return date === undefined ? undefined : boundedWait(date, serverMillis)
}
