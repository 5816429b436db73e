/**
 * Rights as in SPEC §9: read 4, write 2, exec 1 (exec: freeze and publish
 * versions). Written as a digit (`6`) or letters (`rw`, `rwx`, `r`).
 */
import { InvalidInputError } from '../utils/errors.ts'

export const READ = 4
export const WRITE = 2
export const EXEC = 1

export function parseRights(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 7) return value
    throw new InvalidInputError(`invalid rights ${value}: a number 0-7 (read 4, write 2, exec 1)`)
  }
  const text = value.trim().toLowerCase()
  if (/^[0-7]$/.test(text)) return Number(text)
  if (/^[rwx]+$/.test(text) && new Set(text).size === text.length) {
    return (text.includes('r') ? READ : 0) | (text.includes('w') ? WRITE : 0) | (text.includes('x') ? EXEC : 0)
  }
  throw new InvalidInputError(`invalid rights "${value}": letters from r, w, x (e.g. rw) or a digit 0-7`)
}

export function formatRights(rights: number): string {
  return `${rights & READ ? 'r' : '-'}${rights & WRITE ? 'w' : '-'}${rights & EXEC ? 'x' : '-'}`
}

export function hasRights(rights: number, need: number): boolean {
  return (rights & need) === need
}
