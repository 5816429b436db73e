/** Small helpers for the seed's MiMei output: times, rights, lifetimes. */
import { InvalidInputError } from '../../utils/errors.ts'

/** 2022-10-06T14:22:57+08:00: local time with its offset, as the seed prints it. */
export function localIsoTime(ms: number): string {
  const d = new Date(ms)
  const offset = -d.getTimezoneOffset()
  const pad = (n: number) => String(Math.abs(Math.trunc(n))).padStart(2, '0')
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19)
  return `${local}${offset >= 0 ? '+' : '-'}${pad(offset / 60)}:${pad(offset % 60)}`
}

/** 0x07276704 → "7276704", the seed's `Right   :7276704`. */
export const rightsText = (rights: number) => rights.toString(16)

/** "168h", "30m", "90s", "7d" or a plain number of hours → milliseconds. */
export function parseLifetime(text: string | number | undefined, fallbackMs: number): number {
  if (text == null || text === '') return fallbackMs
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(String(text).trim())
  if (m == null) throw new InvalidInputError(`lifetime must look like 168h, 30m, 90s or 7d; got "${text}"`)
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, '': 3_600_000 }[m[2] as 's' | 'm' | 'h' | 'd' | '']
  const ms = Number(m[1]) * unit
  if (!(ms >= 1000 && ms <= 366 * 86_400_000)) throw new InvalidInputError(`lifetime must be between 1s and 366d; got "${text}"`)
  return ms
}

/** 604800000 → "168h" (whole hours), else minutes or seconds. */
export function lifetimeText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  return `${Math.round(ms / 1000)}s`
}

export const RULE = '-------------------------------------------------------------'
