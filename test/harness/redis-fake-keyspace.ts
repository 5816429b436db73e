/**
 * A tiny in-memory stand-in for db/keyspace.ts's Keyspace, with the same
 * surface the RESP server uses (execute, command, begin/commit/rollback,
 * keyVersion, onWrite, sweepExpired, close). It records transactions so
 * tests can check group commit, and can be told to fail a commit.
 */
import type { DbCommand } from '../../src/db/command.ts'
import { Errors, type Reply } from '../../src/db/reply.ts'
import { unknownCommand } from '../../src/db/session.ts'

const dec = new TextDecoder()
const enc = new TextEncoder()
const key = (b: Uint8Array) => dec.decode(b)

function spec(name: string, arity: number, flags: DbCommand['flags'], keys: [number, number, number] = [1, 1, 1]): DbCommand {
  return { name, arity, flags, firstKey: keys[0], lastKey: keys[1], keyStep: keys[2], group: 'strings', summary: `fake ${name}` }
}

export const FAKE_COMMANDS: DbCommand[] = [
  spec('GET', 2, ['readonly', 'fast']),
  spec('SET', 3, ['write']),
  spec('DEL', -2, ['write'], [1, -1, 1]),
  spec('INCR', 2, ['write', 'fast']),
  spec('LPUSH', -3, ['write', 'fast']),
  spec('RPUSH', -3, ['write', 'fast']),
  spec('LPOP', 2, ['write', 'fast']),
  spec('BLPOP', -3, ['write', 'blocking'], [1, -2, 1]),
  spec('DBSIZE', 1, ['readonly', 'fast'], [0, 0, 0]),
]

export class FakeKeyspace {
  readonly data = new Map<string, string | string[]>()
  readonly versions = new Map<string, number>()
  readonly log: string[] = []
  inTx = false
  commits = 0
  failNextCommit = false
  closed = false
  private listeners = new Set<(keys: Uint8Array[]) => void>()

  constructor(readonly name = '0', readonly readonly = false) {}

  command(name: string): DbCommand | undefined {
    return FAKE_COMMANDS.find(c => c.name === name.toUpperCase())
  }

  begin(): void {
    if (this.inTx) throw new Error('fake: nested begin')
    this.inTx = true
    this.log.push('begin')
  }

  commit(): void {
    if (!this.inTx) throw new Error('fake: commit outside a transaction')
    this.inTx = false
    if (this.failNextCommit) {
      this.failNextCommit = false
      throw new Error('disk I/O error')
    }
    this.commits++
    this.log.push('commit')
  }

  rollback(): void {
    this.inTx = false
    this.log.push('rollback')
  }

  keyVersion(k: Uint8Array): number {
    return this.versions.get(key(k)) ?? 0
  }

  onWrite(fn: (keys: Uint8Array[]) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  get listenerCount(): number {
    return this.listeners.size
  }

  sweepExpired(): number {
    return 0
  }

  close(): void {
    this.closed = true
  }

  /** A write from outside the server (as the HTTP API would make). */
  touch(...keys: string[]): void {
    for (const k of keys) this.versions.set(k, (this.versions.get(k) ?? 0) + 1)
    for (const fn of this.listeners) fn(keys.map(k => enc.encode(k)))
  }

  execute(args: Uint8Array[], ctx: { now: number, resp: 2 | 3 }): Reply {
    const name = key(args[0]!).toUpperCase()
    const a = args.slice(1).map(key)
    this.log.push(`${name} ${a.join(' ')}`.trim())
    const cmd = this.command(name)
    if (cmd == null) return { t: 'error', v: unknownCommand(args) }
    if (cmd.arity > 0 ? args.length !== cmd.arity : args.length < -cmd.arity) return { t: 'error', v: Errors.arity(name) }
    if (this.readonly && cmd.flags.includes('write')) return { t: 'error', v: 'READONLY You can\'t write against a read only replica.' }
    switch (name) {
      case 'GET': {
        const v = this.data.get(a[0]!)
        if (Array.isArray(v)) return { t: 'error', v: 'WRONGTYPE Operation against a key holding the wrong kind of value' }
        return { t: 'bulk', v: v == null ? null : enc.encode(v) }
      }
      case 'SET': this.data.set(a[0]!, a[1]!); this.touch(a[0]!); return { t: 'simple', v: 'OK' }
      case 'DEL': {
        let n = 0
        for (const k of a) if (this.data.delete(k)) { n++; this.touch(k) }
        return { t: 'int', v: n }
      }
      case 'INCR': {
        const n = Number(this.data.get(a[0]!) ?? 0) + 1
        this.data.set(a[0]!, String(n))
        this.touch(a[0]!)
        return { t: 'int', v: n }
      }
      case 'LPUSH':
      case 'RPUSH': {
        const list = (this.data.get(a[0]!) as string[] | undefined) ?? []
        for (const v of a.slice(1)) name === 'LPUSH' ? list.unshift(v) : list.push(v)
        this.data.set(a[0]!, list)
        this.touch(a[0]!)
        return { t: 'int', v: list.length }
      }
      case 'LPOP': return this.pop(a[0]!)
      case 'BLPOP': {
        for (const k of a.slice(0, -1)) {
          const list = this.data.get(k)
          if (Array.isArray(list) && list.length > 0) {
            const v = this.pop(k)
            return { t: 'array', v: [{ t: 'bulk', v: enc.encode(k) }, v] }
          }
        }
        return { t: 'wait', keys: args.slice(1, -1), timeoutMs: Math.round(Number(a.at(-1)) * 1000) }
      }
      case 'DBSIZE': return { t: 'int', v: this.data.size }
    }
    void ctx
    return { t: 'error', v: 'ERR fake: not implemented' }
  }

  private pop(k: string): Reply {
    const list = this.data.get(k)
    if (!Array.isArray(list) || list.length === 0) return { t: 'bulk', v: null }
    const v = list.shift()!
    if (list.length === 0) this.data.delete(k)
    this.touch(k)
    return { t: 'bulk', v: enc.encode(v) }
  }
}
