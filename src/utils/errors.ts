/**
 * Typed errors named after the condition. Only the edges (HTTP router, CLI,
 * RESP server) turn them into statuses, exit codes or protocol replies: the
 * core just says what went wrong and why, quoting the value.
 */

/** Broad families of failure; each edge maps a family to its own code. */
export type ErrorKind =
  | 'bad-input' // the caller sent something malformed: fix the request
  | 'not-found' // a well-formed name that does not exist here
  | 'conflict' // the state forbids it (already running, already exists)
  | 'forbidden' // the caller may not do this
  | 'timeout' // the work did not finish in time (content unreachable)
  | 'unavailable' // a dependency (node, port, disk) is not usable
  | 'internal' // a bug: report it

export class LeitherError extends Error {
  readonly kind: ErrorKind
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.kind = kind
    this.name = new.target.name
  }
}

export class InvalidInputError extends LeitherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-input', message, options)
  }
}

export class NotFoundError extends LeitherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not-found', message, options)
  }
}

export class ConflictError extends LeitherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', message, options)
  }
}

export class ForbiddenError extends LeitherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('forbidden', message, options)
  }
}

export class TimeoutError extends LeitherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('timeout', message, options)
  }
}

export class UnavailableError extends LeitherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, options)
  }
}

/** HTTP status for an error family (kubo answers 500 for most command errors; we are more precise). */
export function httpStatusOf(err: unknown): number {
  const kind = err instanceof LeitherError ? err.kind : 'internal'
  switch (kind) {
    case 'bad-input': return 400
    case 'forbidden': return 403
    case 'not-found': return 404
    case 'conflict': return 409
    case 'timeout': return 504
    case 'unavailable': return 503
    default: return 500
  }
}

/** The message of anything thrown, for one-line reports. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
