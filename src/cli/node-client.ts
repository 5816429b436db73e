/**
 * Finds the node a CLI command talks to (the root's `api` file, or -n URL)
 * and calls its HTTP API, turning error replies back into typed errors.
 */
import { resolve } from 'node:path'
import { readApiFile } from '../daemon/run-files.ts'
import { isShortId } from '../pki/index.ts'
import { InvalidInputError, LeitherError, NotFoundError, UnavailableError, ForbiddenError, ConflictError, TimeoutError, type ErrorKind } from '../utils/errors.ts'

/** Raised when there is no node to talk to; the CLI prints it as one line. */
export class NodeNotRunningError extends UnavailableError {}

function notRunning(root: string): NodeNotRunningError {
  return new NodeNotRunningError(`no Leither node is running in "${root}"; start one with: Leither run -d --root ${root}   (or: ./Leither &)`)
}

export async function findApiUrl(root: string, node?: string): Promise<string> {
  if (node != null && node !== '') {
    if (/^https?:\/\//.test(node)) return node.replace(/\/+$/, '')
    if (/^[\w.-]+:\d+$/.test(node)) return `http://${node}`
    if (isShortId(node) || node.startsWith('12D3KooW')) {
      throw new InvalidInputError(`-n by node ID ("${node}") needs the node directory of the network work (#3); use -n http://host:port for now`)
    }
    throw new InvalidInputError(`-n takes a node URL such as http://127.0.0.1:8000, got "${node}"`)
  }
  const url = await readApiFile(resolve(root))
  if (url == null) throw notRunning(resolve(root))
  return url
}

const KIND_BY_STATUS: Record<number, ErrorKind> = { 400: 'bad-input', 403: 'forbidden', 404: 'not-found', 405: 'bad-input', 409: 'conflict', 503: 'unavailable', 504: 'timeout' }

export function errorFromReply(status: number, message: string): LeitherError {
  switch (KIND_BY_STATUS[status]) {
    case 'bad-input': return new InvalidInputError(message)
    case 'forbidden': return new ForbiddenError(message)
    case 'not-found': return new NotFoundError(message)
    case 'conflict': return new ConflictError(message)
    case 'unavailable': return new UnavailableError(message)
    case 'timeout': return new TimeoutError(message)
    default: return new LeitherError('internal', message)
  }
}

export interface CallInit {
  args: string[]
  query: Record<string, string | number | boolean | undefined>
  body?: ReadableStream<Uint8Array>
  contentType?: string
  signal?: AbortSignal
}

/** POSTs one API call; a non-2xx reply throws the node's error message. */
export async function callApi(baseUrl: string, path: string[], init: CallInit, root?: string): Promise<Response> {
  const url = new URL(`${baseUrl}/api/v0/${path.join('/')}`)
  for (const a of init.args) url.searchParams.append('arg', a)
  for (const [k, v] of Object.entries(init.query)) if (v !== undefined) url.searchParams.set(k, String(v))
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      body: init.body,
      headers: init.contentType != null ? { 'content-type': init.contentType } : {},
      signal: init.signal,
      // Node's fetch needs this to stream a request body.
      ...(init.body != null ? { duplex: 'half' } : {}),
    } as RequestInit)
  } catch (err: any) {
    if (root != null) throw notRunning(resolve(root))
    throw new UnavailableError(`cannot reach the node at ${baseUrl}: ${err?.cause?.message ?? err?.message ?? err}`)
  }
  if (!res.ok) {
    const text = await res.text()
    let message = text
    try { message = JSON.parse(text).Message ?? text } catch { /* plain text error */ }
    if (message.trim() === '') message = `the node answered HTTP ${res.status} ${res.statusText}`.trim()
    throw errorFromReply(res.status, message)
  }
  return res
}
