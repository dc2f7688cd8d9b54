/**
 * Section 7's floor: the same import with no library and no Effect. The same users (`bench/importUsers.ts`)
 * gathered into the same files (JSON arrays of at most 500,000 bytes) by a generator, each sent as a
 * multipart body built by hand with `undici.request`, two jobs at once (a 429 retried after `pollMs`),
 * each polled every `pollMs` to its end and its errors read: what Node itself costs for the same work.
 */
import { randomBytes } from "node:crypto"
import * as Undici from "undici"
import type { ImportUser } from "../src/index.js"
import { type ServerInfo, sleep } from "./lib.js"

const MAX_FILE_BYTES = 500_000

export interface RawSummary {
  inserted: number
  updated: number
  failed: number
  total: number
  readonly jobs: Array<{ readonly id: string; readonly users: number }>
  readonly errors: Array<{
    readonly user: Readonly<Record<string, unknown>>
    readonly errors: ReadonlyArray<{ code: string; path?: string }>
  }>
}

/** Users 0 … count − 1 as files, each the JSON array text and how many users it holds. */
function* files(
  count: number,
  userAt: (i: number) => ImportUser.ImportUser
): Generator<{ readonly text: string; readonly users: number }> {
  let parts: Array<string> = []
  let bytes = 2
  for (let i = 0; i < count; i++) {
    const json = JSON.stringify(userAt(i))
    const size = Buffer.byteLength(json)
    if (parts.length > 0 && bytes + size + 1 > MAX_FILE_BYTES) {
      yield { text: `[${parts.join(",")}]`, users: parts.length }
      parts = []
      bytes = 2
    }
    bytes += parts.length === 0 ? size : size + 1
    parts.push(json)
  }
  if (parts.length > 0) yield { text: `[${parts.join(",")}]`, users: parts.length }
}

export const rawImport = async (
  server: ServerInfo,
  token: string,
  connectionId: string,
  count: number,
  userAt: (i: number) => ImportUser.ImportUser,
  pollMs: number
): Promise<RawSummary> => {
  const authorization = `Bearer ${token}`
  const api = `${server.url}/api/v2`
  const summary: RawSummary = { inserted: 0, updated: 0, failed: 0, total: 0, jobs: [], errors: [] }
  const getJson = async (path: string): Promise<{ status: number; json: unknown }> => {
    const response = await Undici.request(`${api}${path}`, { headers: { authorization } })
    const text = await response.body.text()
    return { status: response.statusCode, json: text === "" ? undefined : JSON.parse(text) }
  }
  const job = async (file: { readonly text: string; readonly users: number }) => {
    const boundary = randomBytes(16).toString("hex")
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="connection_id"\r\n\r\n${connectionId}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="users"; filename="users.json"\r\nContent-Type: application/json\r\n\r\n` +
        `${file.text}\r\n--${boundary}--\r\n`
    )
    let id: string | undefined
    while (id === undefined) {
      const response = await Undici.request(`${api}/jobs/users-imports`, {
        method: "POST",
        headers: { authorization, "content-type": `multipart/form-data; boundary=${boundary}` },
        body
      })
      const json = (await response.body.json()) as { id?: string }
      if (response.statusCode === 429) await sleep(pollMs)
      else if (response.statusCode !== 202 || typeof json.id !== "string")
        throw new Error(`creating a job answered ${response.statusCode}`)
      else id = json.id
    }
    for (;;) {
      await sleep(pollMs)
      const { json, status } = await getJson(`/jobs/${id}`)
      const polled = json as { status?: string; summary?: Omit<RawSummary, "jobs" | "errors"> }
      if (status !== 200) throw new Error(`polling a job answered ${status}`)
      if (polled.status === "pending" || polled.status === "processing") continue
      if (polled.status !== "completed" || polled.summary === undefined) throw new Error(`job ${polled.status}`)
      summary.inserted += polled.summary.inserted
      summary.updated += polled.summary.updated
      summary.failed += polled.summary.failed
      summary.total += polled.summary.total
      summary.jobs.push({ id, users: file.users })
      if (polled.summary.failed > 0) {
        const errors = (await getJson(`/jobs/${id}/errors`)).json as RawSummary["errors"]
        // Kept as the library keeps them: the user's email, never its hash.
        for (const e of errors) summary.errors.push({ user: { email: e.user.email }, errors: e.errors })
      }
      return
    }
  }
  const pending = files(count, userAt)
  const worker = async () => {
    for (let next = pending.next(); next.done !== true; next = pending.next()) await job(next.value)
  }
  await Promise.all([worker(), worker()])
  return summary
}
