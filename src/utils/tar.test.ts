import { describe, expect, test } from 'bun:test'
import { readTar, writeTar, type TarEntry } from './tar.ts'

async function * source (entries: TarEntry[]) { yield * entries }
async function * one (b: Uint8Array) { yield b }

async function roundTrip (entries: TarEntry[], chunk?: number) {
  const parts: Uint8Array[] = []
  for await (const p of writeTar(source(entries))) parts.push(p)
  const whole = Buffer.concat(parts)
  async function * chunks () {
    const step = chunk ?? whole.length
    for (let i = 0; i < whole.length; i += step) yield new Uint8Array(whole.subarray(i, i + step))
  }
  const out: Array<{ path: string, type: string, text: string }> = []
  for await (const e of readTar(chunks())) {
    const bufs: Uint8Array[] = []
    for await (const c of e.content) bufs.push(c)
    out.push({ path: e.path, type: e.type, text: Buffer.concat(bufs).toString() })
  }
  return { out, whole }
}

describe('tar streams', () => {
  const long = 'd/' + 'x'.repeat(150) + '.txt'
  const entries = (): TarEntry[] => [
    { path: 'd', type: 'directory' },
    { path: 'd/a.txt', type: 'file', size: 5, content: one(new TextEncoder().encode('hello')) },
    { path: long, type: 'file', size: 600, content: one(new Uint8Array(600).fill(65)) },
  ]

  test('round-trip files, directories and long paths', async () => {
    const { out, whole } = await roundTrip(entries())
    expect(whole.length % 512).toBe(0)
    expect(out.map(e => e.path)).toEqual(['d', 'd/a.txt', long])
    expect(out[1]!.text).toBe('hello')
    expect(out[2]!.text).toBe('A'.repeat(600))
  })

  test('read the same entries when fed byte by byte', async () => {
    const { out } = await roundTrip(entries(), 1)
    expect(out.map(e => [e.path, e.text.length])).toEqual([['d', 0], ['d/a.txt', 5], [long, 600]])
  })

  test('refuse a file whose content differs from its declared size', async () => {
    const bad = writeTar(source([{ path: 'f', type: 'file', size: 10, content: one(new Uint8Array(3)) }]))
    await expect((async () => { for await (const _ of bad) {} })()).rejects.toThrow(/declared 10 bytes but had 3/)
  })
})
