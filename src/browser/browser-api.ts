/**
 * The browser's door to the node: /leither.js (the SDK) and /sdk/v0/*, the
 * calls it makes. Unlike /api/v0 (the owner, on loopback, no browser
 * pages), these answer any origin, and what they allow follows the caller's
 * access token (`Authorization: Bearer lt1.…`), never the page's origin or
 * cookies — so a page served by /ipfs/ on this same origin gains nothing by
 * being here. Without a token a caller may only read published data: a
 * numbered version, or the copy a provider follows.
 *
 *   GET  /sdk/v0/session            → who the token is (scope, rights)
 *   POST /sdk/v0/db    {db, commands, expect?} → {replies} | 409 {conflict} | 400 {error, index}
 *   POST /sdk/v0/backup {db, publish?}         → {ver, digest, published}
 *   GET  /sdk/v0/events?db=…  → server-sent events: {"keys": [...], "flushed"} per committed write
 */
import { Hono, type Context } from 'hono'
import { EXEC, READ, WRITE, allows, formatRights } from '../access/index.ts'
import type { TokenInfo } from '../access/index.ts'
import type { LeitherNode } from '../node/node.ts'
import { replyToJson } from '../api/commands/db-reply.ts'
import { executeAtomic } from '../db/index.ts'
import { ForbiddenError, InvalidInputError, LeitherError, UnavailableError, httpStatusOf, messageOf } from '../utils/errors.ts'
import { SDK_SOURCE } from './sdk-source.ts'

export interface BrowserApiDeps {
  node: LeitherNode
  /** Largest JSON body accepted, bytes. */
  maxBodyBytes: number
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-max-age': '600',
}

/** A db name as the SDK sends it: "-", "<mid>" or "<mid>@<ver>". */
const DB_NAME = /^(-|[A-Za-z0-9_-]{27}(@[A-Za-z0-9]+)?)$/

/** At most this many commands in one call: a batch is one transaction. */
const MAX_COMMANDS = 1000
/** Open event streams per node: each holds a connection and a write listener. */
const MAX_WATCHERS = 256
/** A comment line this often keeps proxies and idle timers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000

const enc = new TextEncoder()
const utf8 = new TextDecoder()

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...CORS } })
}

function failure(err: unknown): Response {
  return json({ error: messageOf(err) }, err instanceof LeitherError ? httpStatusOf(err) : 500)
}

export function createBrowserApi(deps: BrowserApiDeps): Hono {
  const { node } = deps
  const app = new Hono()

  app.get('/leither.js', () => new Response(SDK_SOURCE, {
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', ...CORS },
  }))

  app.options('/sdk/v0/*', () => new Response(null, { status: 204, headers: CORS }))

  /** The caller's token, or null when it sent none. */
  async function caller(c: Context): Promise<TokenInfo | null> {
    const header = c.req.header('authorization')
    if (header == null || header === '') return null
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (m == null) throw new ForbiddenError('Authorization must be "Bearer <token>"')
    return node.tokens.verify(m[1]!)
  }

  async function body(c: Context): Promise<any> {
    const length = Number(c.req.header('content-length') ?? 0)
    if (length > deps.maxBodyBytes) throw new InvalidInputError(`request body over ${deps.maxBodyBytes} bytes`)
    const text = await c.req.text()
    if (text.length > deps.maxBodyBytes) throw new InvalidInputError(`request body over ${deps.maxBodyBytes} bytes`)
    try {
      const value = JSON.parse(text)
      if (value == null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object')
      return value
    } catch (e) {
      throw new InvalidInputError(`the body must be a JSON object: ${messageOf(e)}`)
    }
  }

  app.get('/sdk/v0/session', async c => {
    try {
      const token = await caller(c)
      return json({
        node: node.id,
        peerId: node.peerId,
        scope: token?.scope ?? null,
        rights: formatRights(token?.rights ?? 0),
        expires: token == null || token.expires === 0 ? null : new Date(token.expires).toISOString(),
      })
    } catch (err) {
      return failure(err)
    }
  })

  app.post('/sdk/v0/db', async c => {
    try {
      const token = await caller(c)
      const req = await body(c)
      const name = dbName(req.db)
      const commands = commandList(req.commands)
      const expect = expectations(req.expect, commands.length)
      const ks = await node.databases.open(name)
      // Every command is checked before any runs: a refused batch changes nothing.
      let need = 0
      for (const [i, args] of commands.entries()) {
        const cmd = ks.command(args[0]!)
        if (cmd == null) continue // the keyspace answers Redis's own "unknown command" error
        if (cmd.run == null || cmd.flags.includes('blocking')) throw new InvalidInputError(`command ${i}: ${args[0]} is not available over HTTP (it belongs to a connection)`)
        need |= cmd.flags.includes('write') ? WRITE : READ
      }
      authorize(node, token, name, need)
      const bytes = commands.map(args => args.map(a => enc.encode(a)))
      const result = executeAtomic(ks, bytes, { now: Date.now(), resp: 2 }, expect == null ? undefined : (i, reply) => {
        const want = expect.get(i)
        return want === undefined || sameJson(replyToJson(reply), want)
      })
      if ('failed' in result) {
        if (result.reply.t === 'error') return json({ error: result.reply.v, index: result.failed }, 400)
        return json({ conflict: result.failed, found: replyToJson(result.reply) }, 409)
      }
      return json({ replies: result.replies.map(replyToJson) })
    } catch (err) {
      return failure(err)
    }
  })

  let watchers = 0
  app.get('/sdk/v0/events', async c => {
    try {
      const token = await caller(c)
      const name = dbName(c.req.query('db'))
      authorize(node, token, name, READ)
      if (watchers >= MAX_WATCHERS) throw new UnavailableError(`too many event streams open (${MAX_WATCHERS})`)
      const ks = await node.databases.open(name)
      const signal = c.req.raw.signal
      let stop = () => {}
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          watchers++
          const send = (text: string) => { try { controller.enqueue(enc.encode(text)) } catch { stop() } }
          const unsubscribe = ks.onWrite((keys, flushed) => {
            send(`data: ${JSON.stringify({ keys: keys.map(k => utf8.decode(k)), flushed })}\n\n`)
          })
          const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS)
          let stopped = false
          stop = () => {
            if (stopped) return
            stopped = true
            watchers--
            unsubscribe()
            clearInterval(heartbeat)
            try { controller.close() } catch { /* already closed */ }
          }
          signal.addEventListener('abort', stop, { once: true })
          send(': watching\n\n')
        },
        cancel() { stop() },
      })
      return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', ...CORS } })
    } catch (err) {
      return failure(err)
    }
  })

  app.post('/sdk/v0/backup', async c => {
    try {
      const token = await caller(c)
      const req = await body(c)
      const mid = dbName(req.db)
      if (mid === '-' || mid.includes('@')) throw new InvalidInputError('backup needs a db MiMei ID')
      authorize(node, token, mid, WRITE | EXEC)
      const { ver, digest } = await node.databases.backup(mid)
      let published = false
      if (req.publish === true) {
        await node.mimeiNet.publish(mid, undefined, c.req.raw.signal)
        published = true
      }
      return json({ ver, digest, published })
    } catch (err) {
      return failure(err)
    }
  })

  return app
}

function dbName(value: unknown): string {
  if (typeof value !== 'string' || !DB_NAME.test(value)) throw new InvalidInputError('"db" must be "-", a db MiMei ID or <mid>@<version>')
  return value
}

function commandList(value: unknown): string[][] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidInputError('"commands" must be a non-empty list of commands, e.g. [["SET","k","v"]]')
  if (value.length > MAX_COMMANDS) throw new InvalidInputError(`at most ${MAX_COMMANDS} commands in one call`)
  return value.map((args, i) => {
    if (!Array.isArray(args) || args.length === 0) throw new InvalidInputError(`command ${i} must be a non-empty list of strings`)
    return args.map(a => {
      if (typeof a === 'string') return a
      if (typeof a === 'number' && Number.isFinite(a)) return String(a)
      throw new InvalidInputError(`command ${i}: arguments must be strings or numbers`)
    })
  })
}

/** `expect`: {"<index>": reply} — the batch runs only if those replies come out so. */
function expectations(value: unknown, count: number): Map<number, unknown> | undefined {
  if (value == null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidInputError('"expect" must be an object of command index → expected reply')
  const out = new Map<number, unknown>()
  for (const [key, want] of Object.entries(value)) {
    const i = Number(key)
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new InvalidInputError(`"expect" names command ${key}, which is not in the batch`)
    out.set(i, want)
  }
  return out
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Rights on a database: a token for its scope, or — with no token — reading
 * what is public anyway: a numbered version of a published MiMei, or the
 * copy of someone else's published MiMei that this node follows.
 */
function authorize(node: LeitherNode, token: TokenInfo | null, name: string, need: number): void {
  const at = name.indexOf('@')
  const target = at < 0 ? name : name.slice(0, at)
  if (token != null) {
    if (!allows(token, target, need)) {
      const missing = token.scope === '*' || token.scope === target ? need & ~token.rights : need
      const what = [missing & READ ? 'reading' : '', missing & WRITE ? 'writing' : '', missing & EXEC ? 'backing up' : ''].filter(Boolean).join(', ')
      throw new ForbiddenError(`the access token does not allow ${what} database "${target}"`)
    }
    return
  }
  if (need === READ && target !== '-') {
    const row = node.mimei.store.find(target)
    if (row?.record != null && (at >= 0 || row.author !== node.id)) return
  }
  throw new ForbiddenError(`database "${target}" needs an access token (Leither token create ${target})`)
}
