/**
 * The recorded users import (TestJobManager_ImportUsers) replayed: through the public API against a
 * client that answers as Auth0 did (the multipart body compared byte for byte, the boundary aside),
 * and against the fake tenant, in process and served over a real socket (the recorded body as sent,
 * and the library's own form through Node's HTTP clients). Then the ways a job can end short, from a
 * scripted tenant: failed, forgotten, a lost answer to the create (never re-sent), a third job's 429.
 *
 * Documented exception: go-auth0 sends `external_id` (empty) and `send_completion_email=false` when they
 * are unset; this client leaves unset options out (Auth0's default for the email is `true`), so the
 * replay passes them explicitly to reproduce the recorded form.
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schedule } from "effect"
import * as Auth0Http from "../src/Auth0Http.js"
import { Auth0Error, Jobs, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { byName, type RecordedMultipart } from "./fixtures/recordingsImport.js"
import { DOMAIN } from "./fixtures/replay.js"

const CREATE = byName("TestJobManager_ImportUsers#1")
const POLL = byName("TestJobManager_ImportUsers#2")
const RECORDED_USERS = [{ email: "auzironian@example.com", email_verified: true }]
const RECORDED_OPTIONS = {
  connection_id: "con_ftSSLHb0O7rcUGmF",
  upsert: true,
  external_id: "",
  send_completion_email: false
} as const
const fast = { pollSchedule: Schedule.spaced("1 millis") }

interface Sent {
  readonly method: string
  readonly path: string
  readonly contentType: string | undefined
  readonly body: string | undefined
}

/** The body as the client hands it to the `HttpClient`: a form is written by the library, as bytes. */
const wire = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.promise(async () => {
    const body = request.body
    if (body._tag !== "Uint8Array") return { contentType: undefined, body: undefined }
    return { contentType: body.contentType, body: new TextDecoder().decode(body.body) }
  })

/** A client answering each API request with the next of `answers` (a recording or a scripted reply). */
/** Retries off unless `defaultRetry`: then the layer's default policy, as a user gets it. */
const scripted = (answers: ReadonlyArray<RecordedMultipart | (() => Response)>, defaultRetry = false) => {
  const sent: Array<Sent> = []
  let next = 0
  const client = HttpClient.make((request, url) =>
    Effect.gen(function* () {
      const { body, contentType } = yield* wire(request)
      sent.push({ method: request.method, path: url.pathname, contentType, body })
      const answer = answers[Math.min(next++, answers.length - 1)]!
      const response =
        typeof answer === "function"
          ? answer()
          : new Response(answer.responseBody === null ? null : JSON.stringify(answer.responseBody), {
              status: answer.status,
              headers: answer.responseHeaders
            })
      return HttpClientResponse.fromWeb(request, response)
    })
  )
  const layer = Auth0Http.layer({
    domain: DOMAIN,
    token: Redacted.make("tok"),
    ...(defaultRetry ? {} : { retry: false as const })
  }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)), Layer.orDie)
  return { sent, layer }
}

/** The recorded form with our boundary in place of go-auth0's. */
const withBoundary = (rec: RecordedMultipart, contentType: string | undefined) => {
  const recorded = /boundary=(.+)$/.exec(rec.requestContentType!)![1]!
  const ours = /boundary=(.+)$/.exec(contentType ?? "")?.[1]
  assert.isDefined(ours, `a multipart content type: ${contentType}`)
  return rec.rawRequestBody!.split(recorded).join(ours!)
}

const answer = (status: number, body: unknown) => () =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" }
  })

describe("TestJobManager_ImportUsers through the public API", () => {
  it.live("Jobs.importUsers sends the recorded form byte for byte, and reads the 202 job", () =>
    Effect.gen(function* () {
      const s = scripted([CREATE])
      const job = yield* Jobs.importUsers(RECORDED_USERS, RECORDED_OPTIONS).pipe(Effect.provide(s.layer))
      assert.deepStrictEqual(job, CREATE.responseBody)
      assert.strictEqual(s.sent.length, 1)
      const [sent] = s.sent
      assert.strictEqual(sent!.method, "POST")
      assert.strictEqual(sent!.path, CREATE.path)
      assert.strictEqual(sent!.body, withBoundary(CREATE, sent!.contentType))
    })
  )

  it.live("Users.import: the recorded create and poll, one summary", () =>
    Effect.gen(function* () {
      const s = scripted([CREATE, POLL])
      const summary = yield* Users.import(RECORDED_USERS, { ...RECORDED_OPTIONS, ...fast }).pipe(
        Effect.provide(s.layer)
      )
      assert.deepStrictEqual(summary, {
        inserted: 1,
        updated: 0,
        failed: 0,
        total: 1,
        jobs: [{ id: "job_6nNLiwFZksN0YmRR", users: 1, inserted: 1, updated: 0, failed: 0, total: 1 }],
        errors: []
      })
      assert.deepStrictEqual(
        s.sent.map((x) => `${x.method} ${x.path}`),
        [`POST ${CREATE.path}`, `GET ${POLL.path}`],
        "no errors read: the summary says none failed"
      )
    })
  )

  it.live("unset options are left out: connection_id, then the file", () =>
    Effect.gen(function* () {
      const s = scripted([CREATE])
      yield* Jobs.importUsers(RECORDED_USERS, { connection_id: "con_ftSSLHb0O7rcUGmF" }).pipe(Effect.provide(s.layer))
      const names = [...s.sent[0]!.body!.matchAll(/; name="([^"]+)"/g)].map((m) => m[1])
      assert.deepStrictEqual(names, ["connection_id", "users"])
    })
  )
})

describe("TestJobManager_ImportUsers against the fake tenant", () => {
  it.live("the recorded request as sent, in process: 202 with the recorded keys, then completed", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make({ importMillis: 1 })
      const token = Redacted.value(yield* tenant.issueToken())
      const created = yield* tenant.handle({
        method: "POST",
        url: CREATE.path,
        headers: { authorization: `Bearer ${token}`, "content-type": CREATE.requestContentType! },
        body: CREATE.rawRequestBody
      })
      assert.strictEqual(created.status, 202)
      const job = JSON.parse(created.body) as Record<string, unknown>
      assert.deepStrictEqual(Object.keys(job), Object.keys(CREATE.responseBody as object))
      assert.strictEqual(job.status, "pending")
      yield* Effect.sleep("5 millis")
      const polled = yield* tenant.handle({
        method: "GET",
        url: `/api/v2/jobs/${String(job.id)}`,
        headers: { authorization: `Bearer ${token}` },
        body: undefined
      })
      assert.strictEqual(polled.status, 200)
      const done = JSON.parse(polled.body) as Record<string, unknown>
      assert.deepStrictEqual(new Set(Object.keys(done)), new Set(Object.keys(POLL.responseBody as object)))
      assert.deepStrictEqual(done.summary, (POLL.responseBody as { summary: unknown }).summary)
      const user = (yield* tenant.users).find((u) => u.email === "auzironian@example.com")
      assert.strictEqual(user?.email_verified, true)
    })
  )

  for (const [name, client] of [
    ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
    ["NodeHttpClient.layer", NodeHttpClient.layer]
  ] as const) {
    it.scopedLive(`Users.import over a real socket (${name}): the form parses, the summary is the recorded one`, () =>
      Effect.gen(function* () {
        const tenant = yield* FakeAuth0.make({ importMillis: 1 })
        const baseUrl = yield* FakeAuth0.serve({ tenant, port: 0 })
        const layer = Auth0Http.layer({
          domain: tenant.domain,
          baseUrl,
          clientId: tenant.clientId,
          clientSecret: tenant.clientSecret
        }).pipe(Layer.provide(client))
        const summary = yield* Users.import(RECORDED_USERS, { ...RECORDED_OPTIONS, ...fast }).pipe(
          Effect.provide(layer)
        )
        assert.deepStrictEqual([summary.inserted, summary.failed, summary.total], [1, 0, 1])
      })
    )
  }
})

describe("an import that ends short, from a scripted tenant", () => {
  const job = (status: string, extra: Record<string, unknown> = {}) => ({
    type: "users_import",
    status,
    connection_id: "con_ftSSLHb0O7rcUGmF",
    id: "job_AAAAAAAAAAAAAAAA",
    ...extra
  })
  const users = [{ email: "a@example.com", password_hash: "$2b$10$secret" }, { user_id: "42" }]

  it.live("a job Auth0 fails: ImportFailed naming the job and its file's users, never their hashes", () =>
    Effect.gen(function* () {
      const s = scripted([answer(202, job("pending")), answer(200, job("failed", { status_details: "boom" }))])
      const error = yield* Effect.flip(Users.import(users, { connection_id: "con_ftSSLHb0O7rcUGmF", ...fast })).pipe(
        Effect.provide(s.layer)
      )
      assert.instanceOf(error, Auth0Error.ImportFailed)
      assert.strictEqual(error.jobId, "job_AAAAAAAAAAAAAAAA")
      assert.strictEqual(error.status, "failed")
      assert.strictEqual(error.detail, "boom")
      assert.deepStrictEqual(error.users, ["a@example.com", "42"])
      assert.notInclude(JSON.stringify(error) + error.message, "secret")
    })
  )

  it.live("a job Auth0 forgot (404): ImportFailed not_found", () =>
    Effect.gen(function* () {
      const s = scripted([answer(202, job("pending")), answer(404, { statusCode: 404, message: "Job not found." })])
      const error = yield* Effect.flip(Users.import(users, { connection_id: "con_ftSSLHb0O7rcUGmF", ...fast })).pipe(
        Effect.provide(s.layer)
      )
      assert.strictEqual(error._tag, "ImportFailed")
      assert.strictEqual((error as Auth0Error.ImportFailed).status, "not_found")
    })
  )

  it.live("no answer to the create (503): not sent again, ImportFailed unknown, no job id", () =>
    Effect.gen(function* () {
      // The default retry policy: it must not send the create again.
      const s = scripted([answer(503, { statusCode: 503, message: "down" })], true)
      const error = yield* Effect.flip(Users.import(users, { connection_id: "con_ftSSLHb0O7rcUGmF", ...fast })).pipe(
        Effect.provide(s.layer)
      )
      assert.strictEqual(s.sent.length, 1, "a job that may exist is not created twice")
      assert.instanceOf(error, Auth0Error.ImportFailed)
      assert.strictEqual(error.status, "unknown")
      assert.strictEqual(error.reason, "ServerError")
      assert.isUndefined(error.jobId)
      assert.strictEqual(error.sent, 2)
    })
  )

  it.live("a third job's 429 is waited out and the file sent again", () =>
    Effect.gen(function* () {
      const limit = answer(429, {
        statusCode: 429,
        error: "Too Many Requests",
        message: "There are 2 active import users jobs, please wait until some of them are finished and try again"
      })
      const s = scripted([
        limit,
        limit,
        answer(202, job("pending")),
        answer(200, job("completed", { summary: { inserted: 2, updated: 0, failed: 0, total: 2 } }))
      ])
      const summary = yield* Users.import(users, { connection_id: "con_ftSSLHb0O7rcUGmF", ...fast }).pipe(
        Effect.provide(s.layer)
      )
      assert.strictEqual(summary.inserted, 2)
      assert.deepStrictEqual(
        s.sent.map((x) => x.method),
        ["POST", "POST", "POST", "GET"]
      )
    })
  )

  it.live("rejected users: Jobs.errors read, each named by its email or id only", () =>
    Effect.gen(function* () {
      const s = scripted([
        answer(202, job("pending")),
        answer(200, job("completed", { summary: { inserted: 1, updated: 0, failed: 1, total: 2 } })),
        answer(200, [
          {
            user: { email: "a@example.com", password_hash: "$2b$10$secret", user_metadata: { ssn: "x" } },
            errors: [{ code: "DUPLICATED_USER", message: "The user already exist and upsert parameter is false" }]
          }
        ])
      ])
      const summary = yield* Users.import(users, { connection_id: "con_ftSSLHb0O7rcUGmF", ...fast }).pipe(
        Effect.provide(s.layer)
      )
      assert.deepStrictEqual(summary.errors, [
        {
          user: { email: "a@example.com" },
          errors: [{ code: "DUPLICATED_USER", message: "The user already exist and upsert parameter is false" }]
        }
      ])
    })
  )
})
