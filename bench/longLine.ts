/**
 * How long one long line of an export file takes to split and decode, and
 * how much the process grows meanwhile: a gzip of three users, the middle
 * one's `user_metadata` a string of the given size, fed to `decodeFile` in
 * 64 KiB compressed chunks as a download would.
 *
 *   node --import tsx bench/longLine.ts 16 64          # MB per line
 *   node --import tsx bench/longLine.ts 16 -- src/internal/exportFile.ts
 *
 * Each size runs in its own process, so one's heap does not weigh on the
 * next. The optional module path after `--` measures another version of
 * `exportFile.ts` (a copy of an older one, say: before it was split out, `decodeFile`
 * was in `exportJob.ts`) with the same input.
 */
import { execFileSync } from "node:child_process"
import { pathToFileURL } from "node:url"
import { gzipSync } from "node:zlib"
import { Chunk, Effect, Stream } from "effect"

const CHUNK = 64 * 1024

const file = (megabytes: number): Uint8Array => {
  const big = "x".repeat(megabytes * 1024 * 1024)
  const lines = [
    JSON.stringify({ user_id: "auth0|1", email: "a@example.com" }),
    JSON.stringify({ user_id: "auth0|2", email: "b@example.com", user_metadata: { blob: big } }),
    JSON.stringify({ user_id: "auth0|3", email: "c@example.com" })
  ]
  return gzipSync(lines.join("\n") + "\n")
}

const measure = async (megabytes: number, modulePath: string) => {
  const ExportJob = (await import(pathToFileURL(modulePath).href)) as typeof import("../src/internal/exportFile.js")
  const gz = file(megabytes)
  const chunks = Stream.fromIterable(
    Array.from({ length: Math.ceil(gz.length / CHUNK) }, (_, i) => gz.subarray(i * CHUNK, (i + 1) * CHUNK))
  )
  global.gc?.()
  const rssBefore = process.memoryUsage().rss
  let rssPeak = rssBefore
  const timer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5)
  const started = performance.now()
  const users = await Effect.runPromise(
    Stream.runCollect(ExportJob.decodeFile(chunks, "/f", 1024 * 1024 * 1024)).pipe(Effect.map(Chunk.size))
  )
  const millis = performance.now() - started
  clearInterval(timer)
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
  console.log(
    `${megabytes} MB line: ${users} users in ${(millis / 1000).toFixed(2)} s, RSS +${Math.round((rssPeak - rssBefore) / 1024 / 1024)} MB`
  )
}

const args = process.argv.slice(2)
const split = args.indexOf("--")
const sizes = (split === -1 ? args : args.slice(0, split)).map(Number)
const modulePath = split === -1 ? "src/internal/exportFile.ts" : args[split + 1]!
if (process.env.LONG_LINE_CHILD === "1") {
  await measure(sizes[0]!, modulePath)
} else {
  for (const size of sizes.length === 0 ? [16, 64] : sizes) {
    execFileSync(
      process.execPath,
      ["--expose-gc", "--import", "tsx", "bench/longLine.ts", String(size), "--", modulePath],
      {
        stdio: "inherit",
        env: { ...process.env, LONG_LINE_CHILD: "1" }
      }
    )
  }
}
