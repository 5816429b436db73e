/**
 * Test helpers for the keyspace: run commands written as text and compare
 * replies in a plain form. Replies become: a simple string "+OK", an error
 * "-ERR …", a bulk string (Latin-1, so any byte survives) or null, an integer
 * number (bigint beyond 2^53), arrays as arrays, { d } for doubles, { map },
 * { set }, { wait }. In RESP2 the forms a RESP2 client sees instead: doubles
 * as Redis-formatted strings, maps flattened, sets as arrays, booleans as 1/0.
 * Used by the *.test.ts files only.
 */
import { expect } from 'bun:test'
import { Keyspace } from './keyspace.ts'
import type { Reply } from './reply.ts'
import { formatDouble } from './float.ts'

export type Plain =
  | string
  | number
  | bigint
  | boolean
  | null
  | Plain[]
  | { d: number }
  | { map: Array<[Plain, Plain]> }
  | { set: Plain[] }
  | { wait: string[], timeoutMs: number }

/** Bytes from a Latin-1 string: one byte per char. */
export const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'))
export const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1')

export function plain(r: Reply, resp: 2 | 3 = 3): Plain {
  const p = (x: Reply): Plain => plain(x, resp)
  switch (r.t) {
    case 'simple': return `+${r.v}`
    case 'error': return `-${r.v}`
    case 'int': return r.v
    case 'bulk': return r.v === null ? null : text(r.v)
    case 'array': return r.v === null ? null : r.v.map(p)
    case 'map': return resp === 2 ? r.v.flatMap(([k, v]) => [p(k), p(v)]) : { map: r.v.map(([k, v]) => [p(k), p(v)]) }
    case 'set': return resp === 2 ? r.v.map(p) : { set: r.v.map(p) }
    case 'double': return resp === 2 ? formatDouble(r.v) : { d: r.v }
    case 'bool': return resp === 2 ? (r.v ? 1 : 0) : r.v
    case 'null': return null
    case 'verbatim': return r.v
    case 'push': return r.v.map(p)
    case 'wait': return { wait: r.keys.map(text), timeoutMs: r.timeoutMs }
  }
}

/** Splits a command line: words, "quoted strings" with \" and \xHH escapes. */
export function words(line: string): string[] {
  const out: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(line)) !== null) {
    if (m[1] !== undefined) {
      out.push(m[1].replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_, h: string | undefined, c: string | undefined) => (h !== undefined ? String.fromCharCode(parseInt(h, 16)) : c!)))
    } else out.push(m[2]!)
  }
  return out
}

/** Replies whose element order Redis leaves unspecified: compared sorted. */
const UNORDERED = new Set(['SMEMBERS', 'SINTER', 'SUNION', 'SDIFF', 'HKEYS', 'HVALS', 'KEYS', 'SPOP', 'SRANDMEMBER'])

function sortDeep(p: Plain): Plain {
  const key = (x: Plain): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
  if (Array.isArray(p)) return [...p].sort((a, b) => (key(a) < key(b) ? -1 : 1))
  if (p !== null && typeof p === 'object' && 'set' in p) return { set: [...p.set].sort((a, b) => (key(a) < key(b) ? -1 : 1)) }
  if (p !== null && typeof p === 'object' && 'map' in p) return { map: [...p.map].sort((a, b) => (key(a) < key(b) ? -1 : 1)) }
  return p
}

/** A hash's fields in a stable order (Redis leaves it unspecified). */
function sortPairs(p: Plain): Plain {
  if (!Array.isArray(p)) return sortDeep(p)
  const pairs: Plain[] = []
  for (let i = 0; i < p.length; i += 2) pairs.push([p[i]!, p[i + 1]!])
  return (sortDeep(pairs) as Plain[][]).flat()
}

/** A keyspace in memory (or at `path`) with a clock the test moves. */
export class TestDb {
  readonly ks: Keyspace
  now = 1_700_000_000_000
  resp: 2 | 3 = 2

  constructor(path = ':memory:', opts: { readonly?: boolean } = {}) {
    this.ks = Keyspace.open(path, opts)
  }

  /** Runs a command given as words (or one line of text) and returns the plain reply. */
  run(...args: string[]): Plain {
    const argv = args.length === 1 ? words(args[0]!) : args
    return plain(this.ks.execute(argv.map(bytes), { now: this.now, resp: this.resp }), this.resp)
  }

  raw(...args: Array<string | Uint8Array>): Reply {
    return this.ks.execute(args.map(a => (typeof a === 'string' ? bytes(a) : a)), { now: this.now, resp: this.resp })
  }

  advance(ms: number): void {
    this.now += ms
  }

  /** Runs each [command line, expected reply] in turn, failing with the command that differs. */
  script(steps: Array<[string, Plain]>): void {
    for (const [line, expected] of steps) {
      const name = words(line)[0]!.toUpperCase()
      let got = this.run(line)
      let want = expected
      const upper = words(line).map(w => w.toUpperCase())
      const pairs = name === 'HGETALL' || (name === 'HRANDFIELD' && upper.includes('WITHVALUES'))
      if (UNORDERED.has(name) || (name === 'HRANDFIELD' && !pairs)) {
        got = sortDeep(got)
        want = sortDeep(want)
      } else if (pairs) {
        got = sortPairs(got)
        want = sortPairs(want)
      } else if (name.endsWith('SCAN') && Array.isArray(got) && Array.isArray(want)) {
        // One SCAN step's elements come in whatever order the collection keeps.
        const sort = name === 'HSCAN' || name === 'ZSCAN' ? sortPairs : sortDeep
        got = [got[0]!, sort(got[1]!)]
        want = [want[0]!, sort(want[1]!)]
      }
      expect({ command: line, reply: got }).toEqual({ command: line, reply: want })
    }
  }

  close(): void {
    this.ks.close()
  }
}
