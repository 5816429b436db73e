/**
 * Redis replies as values. Commands build these; only the RESP encoder
 * (db/resp) turns them into bytes, choosing RESP2 or RESP3 forms, and the
 * HTTP API turns them into JSON.
 */
export type Reply =
  | { t: 'simple', v: string } // +OK
  | { t: 'error', v: string } // full text with its code: "ERR …", "WRONGTYPE …"
  | { t: 'int', v: number | bigint }
  | { t: 'bulk', v: Uint8Array | null } // null: RESP2 $-1, RESP3 _
  | { t: 'array', v: Reply[] | null } // null: RESP2 *-1, RESP3 _
  | { t: 'map', v: Array<[Reply, Reply]> } // RESP2: flat array
  | { t: 'set', v: Reply[] } // RESP2: array
  | { t: 'double', v: number } // RESP2: bulk string as Redis formats it
  | { t: 'bool', v: boolean } // RESP2: integer 1/0
  | { t: 'null' } // RESP2: $-1
  | { t: 'verbatim', format: string, v: string } // RESP2: bulk string
  | { t: 'push', v: Reply[] } // pub/sub messages; RESP2: array
  /**
   * Not sent: a blocking command (BLPOP…) found nothing. The server waits
   * until one of `keys` is written or `timeoutMs` passes (0 = forever),
   * then runs the command again, or answers a null array on timeout.
   */
  | { t: 'wait', keys: Uint8Array[], timeoutMs: number }

const enc = new TextEncoder()

export const OK: Reply = { t: 'simple', v: 'OK' }
export const NULL_BULK: Reply = { t: 'bulk', v: null }
export const simple = (v: string): Reply => ({ t: 'simple', v })
export const err = (v: string): Reply => ({ t: 'error', v })
export const int = (v: number | bigint): Reply => ({ t: 'int', v })
export const bulk = (v: Uint8Array | string | null): Reply => ({ t: 'bulk', v: typeof v === 'string' ? enc.encode(v) : v })
export const array = (v: Reply[] | null): Reply => ({ t: 'array', v })
export const bulks = (vs: Array<Uint8Array | string | null>): Reply => array(vs.map(bulk))

/** Redis's own error texts, so clients that match on them keep working. */
export const Errors = {
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  noSuchKey: 'ERR no such key',
  overflow: 'ERR increment or decrement would overflow',
  arity: (cmd: string) => `ERR wrong number of arguments for '${cmd.toLowerCase()}' command`,
  unknown: (cmd: string, args: string) => `ERR unknown command '${cmd}', with args beginning with: ${args}`,
} as const
