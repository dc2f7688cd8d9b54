/**
 * `multipart/form-data` as the fake tenant reads it: the parts of a body by
 * name, each with its filename and content type when it is a file. Enough of
 * RFC 7578 for what clients send (CRLF line ends, quoted names); anything
 * else is Auth0's 400.
 */
import { Refusal } from "./refusal.js"

export interface Part {
  readonly value: string
  readonly filename?: string | undefined
  readonly contentType?: string | undefined
}

/** A parsed form: its parts in order, and the body's size in bytes. */
export class Form {
  constructor(
    readonly parts: ReadonlyMap<string, Part>,
    readonly bytes: number
  ) {}
  text(name: string): string | undefined {
    return this.parts.get(name)?.value
  }
}

const malformed = () => new Refusal(400, "Invalid multipart payload format", "invalid_body")

/** The boundary of a `multipart/form-data; boundary=…` content type. */
export const boundaryOf = (contentType: string): string | undefined => {
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

const header = (head: string, name: string): string | undefined => {
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":")
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim()
  }
  return undefined
}

const param = (value: string, name: string): string | undefined => {
  const match = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, "i").exec(value)
  return match?.[1]?.replace(/\\(.)/g, "$1")
}

export const parse = (body: string, boundary: string): Form => {
  const delimiter = `--${boundary}`
  const parts = new Map<string, Part>()
  let at = body.indexOf(delimiter)
  if (at !== 0) throw malformed()
  for (;;) {
    at += delimiter.length
    if (body.startsWith("--", at)) break
    if (!body.startsWith("\r\n", at)) throw malformed()
    const headEnd = body.indexOf("\r\n\r\n", at + 2)
    if (headEnd < 0) throw malformed()
    const head = body.slice(at + 2, headEnd)
    const next = body.indexOf(`\r\n${delimiter}`, headEnd + 4)
    if (next < 0) throw malformed()
    const disposition = header(head, "content-disposition") ?? ""
    const name = param(disposition, "name")
    if (!/^form-data\s*;/i.test(disposition) || name === undefined) throw malformed()
    const filename = param(disposition, "filename")
    const contentType = header(head, "content-type")
    parts.set(name, {
      value: body.slice(headEnd + 4, next),
      ...(filename !== undefined ? { filename } : {}),
      ...(contentType !== undefined ? { contentType } : {})
    })
    at = next + 2
  }
  return new Form(parts, Buffer.byteLength(body, "utf8"))
}
