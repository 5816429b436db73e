/**
 * Strings: the value lives in the key row, so GET is one lookup and SET one
 * row write. SET replaces a key of any type.
 */
import type { SqliteStatement } from '../../store/index.ts'
import { Errors } from '../reply.ts'
import { fail } from '../args.ts'
import { STRING, live } from './keys.ts'
import type { KeyTable } from './keys.ts'

/** A live key with its string value (null for collections). */
export interface StringRow {
  id: number
  type: number
  exp: number | null
  value: Uint8Array | null
}

export class Strings {
  private readonly sRetype: SqliteStatement

  constructor(private readonly keys: KeyTable) {
    this.sRetype = keys.db.prepare(`UPDATE keys SET type = ${STRING}, value = ?, expire_at = ?, seq = ?, len = 0, head = 0 WHERE id = ?`)
  }

  /** The live key, any type, with its value. */
  row(key: Uint8Array, now: number): StringRow | undefined {
    const row = this.keys.rawValue(key)
    return row !== undefined && live(row.exp, now) ? row : undefined
  }

  /** A string key's live row; WRONGTYPE for another type. */
  typed(key: Uint8Array, now: number): StringRow | undefined {
    const row = this.keys.rawValue(key)
    if (row === undefined || !live(row.exp, now)) return undefined
    if (row.type !== STRING) fail(Errors.wrongType)
    return row
  }

  /** GET: the value, null when missing, WRONGTYPE for another type. */
  get(key: Uint8Array, now: number): Uint8Array | null {
    const row = this.keys.rawValue(key)
    if (row === undefined || !live(row.exp, now)) return null
    if (row.type !== STRING) fail(Errors.wrongType)
    return row.value
  }

  /**
   * SET: stores `value` whatever the key held. `exp` is the new expiry (null:
   * none); with `keepTtl` a live key keeps its own.
   */
  set(key: Uint8Array, value: Uint8Array, now: number, exp: number | null, keepTtl = false): void {
    const row = this.keys.raw(key)
    if (row === undefined) {
      this.keys.create(key, STRING, exp, 0, 0, value)
      return
    }
    const alive = live(row.exp, now)
    if (row.type !== STRING) {
      const seq = this.keys.wseq()
      this.keys.clearData(row)
      this.sRetype.run(value, keepTtl && alive ? row.exp : exp, seq, row.id)
      this.keys.touch(key)
    } else {
      this.keys.setValue(key, row.id, value, exp, keepTtl && alive)
    }
  }

  /** Replaces the value of a live string key, keeping its expiry. */
  update(key: Uint8Array, id: number, value: Uint8Array): void {
    this.keys.setValue(key, id, value, null, true)
  }
}
