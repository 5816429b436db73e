/**
 * ZUNIONSTORE / ZINTERSTORE, computed the way Redis does so that the sums
 * come out bit for bit the same: sources sorted by size (stably), weighted
 * scores with NaN read as 0, aggregated source by source. A union merges the
 * sources' (h, member) order a page at a time; an intersection walks the
 * smallest source and looks the others up. Sets count as score 1.
 */
import type { Keyspace } from '../keyspace.ts'
import { compareBytes } from '../args.ts'
import { SET } from './keys.ts'
import type { KeyRow } from './keys.ts'

export type Aggregate = 'sum' | 'min' | 'max'

export interface Source {
  row: KeyRow | undefined
  weight: number
}

interface Item {
  h: number
  member: Uint8Array
  score: number
}

function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value
    return Number.isNaN(sum) ? 0 : sum
  }
  if (how === 'min') return value < target ? value : target
  return value > target ? value : target
}

function items(ks: Keyspace, row: KeyRow): Iterator<Item> {
  if (row.type === SET) {
    const it = ks.sets.each(row.id)
    return {
      next: () => {
        const r = it.next()
        return r.done === true ? { done: true, value: undefined } : { done: false, value: { h: r.value.h, member: r.value.member, score: 1 } }
      },
    }
  }
  return ks.zsets.each(row.id)
}

function lookup(ks: Keyspace, row: KeyRow, member: Uint8Array): number | undefined {
  if (row.type === SET) return ks.sets.has(row.id, member) ? 1 : undefined
  return ks.zsets.score(row.id, member)
}

const weighted = (score: number, weight: number): number => {
  const v = score * weight
  return Number.isNaN(v) ? 0 : v
}

/** Writes the combination under key id `dest`; returns its size. */
export function zcombine(ks: Keyspace, op: 'union' | 'inter', sources: Source[], how: Aggregate, dest: number): number {
  const sorted = sources.map((s, i) => ({ ...s, i })).sort((a, b) => (a.row?.len ?? 0) - (b.row?.len ?? 0) || a.i - b.i)
  let n = 0
  if (op === 'inter') {
    const first = sorted[0]!
    if (first.row === undefined || first.row.len === 0) return 0
    const rest = sorted.slice(1)
    if (rest.some(s => s.row === undefined)) return 0
    const it = items(ks, first.row)
    for (let r = it.next(); r.done !== true; r = it.next()) {
      const { member, score: s0 } = r.value
      let score = weighted(s0, first.weight)
      let everywhere = true
      for (const s of rest) {
        const v = s.row!.id === first.row.id && s.row!.type === first.row.type ? s0 : lookup(ks, s.row!, member)
        if (v === undefined) {
          everywhere = false
          break
        }
        score = aggregate(score, v * s.weight, how)
      }
      if (everywhere) {
        ks.zsets.insert(dest, member, score)
        n++
      }
    }
    return n
  }
  // Union: a k-way merge over the sources in (h, member) order.
  const present = sorted.filter(s => s.row !== undefined && s.row.len > 0)
  const heads = present.map(s => {
    const it = items(ks, s.row!)
    const r = it.next()
    return { it, item: r.done === true ? undefined : r.value, weight: s.weight }
  })
  for (;;) {
    let min: Item | undefined
    for (const hd of heads) {
      const it = hd.item
      if (it === undefined) continue
      if (min === undefined || it.h < min.h || (it.h === min.h && compareBytes(it.member, min.member) < 0)) min = it
    }
    if (min === undefined) return n
    let score: number | undefined
    const member = min.member
    const h = min.h
    for (const hd of heads) {
      const it = hd.item
      if (it === undefined || it.h !== h || compareBytes(it.member, member) !== 0) continue
      const v = weighted(it.score, hd.weight)
      score = score === undefined ? v : aggregate(score, v, how)
      const r = hd.it.next()
      hd.item = r.done === true ? undefined : r.value
    }
    ks.zsets.insert(dest, member, score!)
    n++
  }
}
