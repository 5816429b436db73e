import { LeitherError, httpStatusOf, messageOf } from '../utils/errors.ts'
import { logger } from '../utils/logger.ts'
import type { ErrorKind } from '../utils/errors.ts'

const log = logger('gateway')

/**
 * Errors of the IPFS gateway. Each has the project-wide kind plus the exact status the
 * gateway specs ask for (501 and 502 have no kind of their own); only `errorResponse`
 * turns it into a reply.
 */
export class GatewayError extends LeitherError {
  readonly status: number

  constructor(kind: ErrorKind, message: string, status: number) {
    super(kind, message)
    this.status = status
  }
}

/** The path segment after `/ipfs/` is not a CID in any multibase we know. */
export class InvalidCidError extends GatewayError {
  constructor(value: string, reason: string) {
    super('bad-input', `Invalid CID "${clip(value)}": ${reason}`, 400)
  }
}

/** A content path that cannot name anything, e.g. a segment with an encoded slash. */
export class InvalidPathError extends GatewayError {
  constructor(path: string, reason: string) {
    super('bad-input', `Invalid path "${clip(path)}": ${reason}`, 400)
  }
}

/** A `?format=`, `dag-scope=` or similar request parameter we do not serve. */
export class UnsupportedParameterError extends GatewayError {
  constructor(name: string, value: string, supported: string[]) {
    super('bad-input', `Unsupported ${name} "${clip(value)}": use one of ${supported.join(', ')}`, 400)
  }
}

/** A path segment has no matching entry in its UnixFS directory. */
export class PathNotFoundError extends GatewayError {
  constructor(path: string, reason: string) {
    super('not-found', `Not found: "${clip(path)}": ${reason}`, 404)
  }
}

/** The content exists but is not UnixFS, so it can only be served as raw block or CAR. */
export class UnsupportedContentError extends GatewayError {
  constructor(path: string, reason: string) {
    super('bad-input', `Cannot render "${clip(path)}": ${reason}; request ?format=raw or ?format=car instead`, 501)
  }
}

/** The blockstore refused a block for a reason other than our deadline (offline, no providers, bad data). */
export class BlockUnavailableError extends GatewayError {
  constructor(cid: string, reason: string) {
    super('unavailable', `Cannot retrieve block "${cid}": ${reason}`, 502)
  }
}

/**
 * A block this node does not hold, met while trying to answer from local blocks alone. The
 * gateway then starts over through the network-capable blockstore; a client never sees it.
 */
export class BlockNotLocalError extends BlockUnavailableError {
  constructor(cid: string) {
    super(cid, 'not on this node')
  }
}

/** Nothing arrived within the gateway's timeout: the content is neither local nor found on the network. */
export class ContentTimeoutError extends GatewayError {
  constructor(path: string, timeoutMs: number) {
    super('timeout', `Timed out after ${timeoutMs} ms retrieving "${clip(path)}"`, 504)
  }
}

/** A plain-text error reply; an error with no kind is a bug: it reads as 500 and is logged. */
export function errorResponse(err: unknown): Response {
  const status = err instanceof GatewayError ? err.status : httpStatusOf(err)
  let message = messageOf(err)
  if (!(err instanceof LeitherError)) {
    log.error(`unexpected failure: ${(err as Error)?.stack ?? message}`)
    message = `Internal gateway error: ${message}`
  }
  return new Response(`${message}\n`, {
    status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff'
    }
  })
}

// Messages quote user input; keep a hostile megabyte-long value from filling the reply.
function clip(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value
}
