/**
 * The HTTP face of the command table: POST /api/v0/<group>/<cmd>?arg=…
 * plus kubo's own paths, JSON replies, NDJSON streams and raw bytes.
 * Errors become kubo's {Message, Code, Type} with a status by error family.
 */
import { Hono, type Context } from 'hono'
import type { Command, NodeCommand, Options } from './command.ts'
import { commands } from './commands/index.ts'
import { multipartEntries } from './multipart/index.ts'
import { optionsFromQuery } from './params.ts'
import { openApiDocument } from './openapi.ts'
import { ForbiddenError, InvalidInputError, NotFoundError, httpStatusOf, messageOf } from '../utils/errors.ts'
import type { LeitherNode } from '../node/node.ts'
import { logger } from '../utils/logger.ts'

const log = logger('api')

export interface ApiDeps {
  node: LeitherNode
  /** The caller's IP address, from the listener. */
  remoteAddress: (c: Context) => string | undefined
  shutdown: () => void
  /** Origins (scheme://host:port) whose browser POSTs are allowed besides the node's own. */
  allowOrigins?: string[]
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/

export function isLoopback(address: string | undefined): boolean {
  return address != null && LOOPBACK.test(address)
}

/** Every HTTP path → command, our own and kubo's. */
function routeTable(): Map<string, Command> {
  const table = new Map<string, Command>()
  for (const cmd of commands) {
    if (cmd.runsIn === 'local' && cmd.servedOverHttp !== true) continue
    table.set(cmd.path.join('/'), cmd)
    for (const alias of cmd.kubo ?? []) table.set(alias, cmd)
  }
  return table
}

export function errorBody(err: unknown) {
  return { Message: messageOf(err), Code: 0, Type: 'error' }
}

function errorResponse(err: unknown): Response {
  const status = httpStatusOf(err)
  if (status >= 500 && status !== 503 && status !== 504) log.error(`${messageOf(err)}\n${(err as Error)?.stack ?? ''}`)
  return new Response(JSON.stringify(errorBody(err)), { status, headers: { 'content-type': 'application/json' } })
}

/** Pulls the first value before any header is sent, so early failures keep their status. */
async function firstOf<T>(source: AsyncIterable<T> | Iterable<T>): Promise<{ first: IteratorResult<T>, rest: AsyncIterator<T> | Iterator<T> }> {
  const it = (Symbol.asyncIterator in source ? (source as AsyncIterable<T>)[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]())
  const first = await it.next()
  return { first, rest: it }
}

function streamOf<T>(first: IteratorResult<T>, rest: AsyncIterator<T> | Iterator<T>, encode: (v: T) => Uint8Array, onError: (err: unknown) => Uint8Array | undefined): ReadableStream<Uint8Array> {
  let pending: IteratorResult<T> | undefined = first
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = pending ?? await rest.next()
        pending = undefined
        if (next.done === true) { controller.close(); return }
        controller.enqueue(encode(next.value))
      } catch (err) {
        const tail = onError(err)
        if (tail != null) { controller.enqueue(tail); controller.close() } else controller.error(err)
      }
    },
    async cancel() {
      await rest.return?.()
    },
  })
}

const enc = new TextEncoder()

export function createApiRouter(deps: ApiDeps): Hono {
  const app = new Hono()
  const table = routeTable()

  app.get('/api/v0/openapi.json', c => c.json(openApiDocument()))

  app.all('/api/v0/*', async c => {
    const name = c.req.path.slice('/api/v0/'.length).replace(/\/+$/, '')
    try {
      // The owner is whoever can reach loopback; signed sessions for others come with #9's access work.
      if (!isLoopback(deps.remoteAddress(c))) throw new ForbiddenError('the API answers loopback callers only')
      // Any page can be served from this same origin by /ipfs/, so a browser
      // call (it always sends Origin on POST) is refused unless its origin is
      // listed; the system app's signed sessions come with the access work (#9).
      const origin = c.req.header('origin')
      if (origin != null && !(deps.allowOrigins ?? []).includes(origin)) {
        throw new ForbiddenError(`API calls from browser pages ("${origin}") are not allowed; list the origin in APIAllowOrigins`)
      }
      const cmd = table.get(name)
      if (cmd == null) throw new NotFoundError(`unknown API command "${name}"`)
      if (c.req.method !== 'POST') {
        return c.json(errorBody(new InvalidInputError(`${c.req.method} is not allowed; use POST /api/v0/${name}`)), 405)
      }
      const url = new URL(c.req.url)
      const args = url.searchParams.getAll('arg')
      const options = optionsFromQuery(cmd, url.searchParams)
      const signal = c.req.raw.signal
      if (cmd.runsIn === 'local') {
        return c.json(await cmd.run({ root: deps.node.root, args, options, signal }) as any)
      }
      return await runNodeCommand(cmd, deps, c.req.raw, args, options, signal)
    } catch (err) {
      return errorResponse(err)
    }
  })
  return app
}

async function runNodeCommand(cmd: NodeCommand, deps: ApiDeps, req: Request, args: string[], options: Options, signal: AbortSignal): Promise<Response> {
  const files = cmd.uploadsFiles === true && req.body != null
    ? multipartEntries(req, { maxFileBytes: deps.node.config.MaxBodyBytes, maxParts: 100_000 })
    : undefined
  const result = await cmd.run({ node: deps.node, args, options, files, signal, shutdown: deps.shutdown })

  if (cmd.output === 'json') return Response.json(result)

  const { first, rest } = await firstOf(result as AsyncIterable<unknown>)
  if (cmd.output === 'ndjson') {
    const body = streamOf(first, rest, v => enc.encode(JSON.stringify(v) + '\n'), err => enc.encode(JSON.stringify(errorBody(err)) + '\n'))
    return new Response(body, { headers: { 'content-type': 'application/x-ndjson', 'x-chunked-output': '1' } })
  }
  // Raw bytes: a failure after the first byte can only cut the stream short.
  const body = streamOf(first as IteratorResult<Uint8Array>, rest as AsyncIterator<Uint8Array>, v => v, () => undefined)
  const type = cmd.repliesTar === true ? 'application/x-tar' : 'text/plain'
  return new Response(body, { headers: { 'content-type': type, 'x-stream-output': '1' } })
}
