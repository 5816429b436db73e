import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Key } from 'interface-datastore'
import { SqliteDatastore } from './datastore.ts'
import { installMochaChai } from './mocha-chai-shim.ts'

const root = mkdtempSync(join(tmpdir(), 'leither-datastore-'))
afterAll(() => { rmSync(root, { recursive: true, force: true }) })

let files = 0
const freshPath = (): string => join(root, `data-${files++}.db`)
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const keysOf = (store: SqliteDatastore, prefix?: string): string[] => [...store.queryKeys(prefix == null ? {} : { prefix })].map(k => k.toString())

// The suite reads mocha's globals and aegir/chai as it loads, so it is imported after the shim.
installMochaChai()
const { interfaceDatastoreTests } = await import('interface-datastore-tests')

describe('interface-datastore compliance', () => {
  interfaceDatastoreTests({
    setup: () => new SqliteDatastore(freshPath()),
    teardown: (store) => { (store as SqliteDatastore).close() }
  })
})

describe('SqliteDatastore', () => {
  test('records survive closing and reopening the file', () => {
    const path = freshPath()
    const first = new SqliteDatastore(path)
    first.put(new Key('/peers/abc'), bytes('record'))
    first.close()

    const second = new SqliteDatastore(path)
    expect(second.get(new Key('/peers/abc'))).toEqual(bytes('record'))
    second.close()
  })

  test('put replaces the value of an existing key', () => {
    const store = new SqliteDatastore(freshPath())
    store.put(new Key('/a'), bytes('one'))
    store.put(new Key('/a'), bytes('two'))
    expect(store.get(new Key('/a'))).toEqual(bytes('two'))
    expect(keysOf(store)).toEqual(['/a'])
    store.close()
  })

  test('a prefix selects keys that start with it, as plain strings', () => {
    const store = new SqliteDatastore(freshPath())
    for (const k of ['/a', '/a/b', '/ab', '/b', '/a\u{10FFFF}x', '/é/1', '/éa', '/f']) store.put(new Key(k), bytes(k))
    expect(keysOf(store, '/a')).toEqual(['/a', '/a/b', '/ab', '/a\u{10FFFF}x'])
    expect(keysOf(store, '/a/')).toEqual(['/a/b'])
    expect(keysOf(store, '/é')).toEqual(['/é/1', '/éa'])
    expect(keysOf(store, '/zz')).toEqual([])
    expect(keysOf(store).length).toBe(8)
    store.close()
  })

  test('offset and limit page through more rows than one read holds', () => {
    const store = new SqliteDatastore(freshPath())
    const batch = store.batch()
    for (let i = 0; i < 1300; i++) batch.put(new Key(`/n/${String(i).padStart(4, '0')}`), bytes(String(i)))
    batch.commit()
    expect(keysOf(store, '/n').length).toBe(1300)
    const page = [...store.queryKeys({ prefix: '/n', offset: 600, limit: 700 })].map(k => k.toString())
    expect(page.length).toBe(700)
    expect(page[0]).toBe('/n/0600')
    expect(page[699]).toBe('/n/1299')
    const filtered = [...store.query({ prefix: '/n', filters: [e => e.key.toString().endsWith('7')], offset: 1, limit: 2 })]
    expect(filtered.map(e => e.key.toString())).toEqual(['/n/0017', '/n/0027'])
    store.close()
  })

  test('a batch applies puts and deletes in the order they were made', () => {
    const store = new SqliteDatastore(freshPath())
    const batch = store.batch()
    batch.delete(new Key('/x'))
    batch.put(new Key('/x'), bytes('kept'))
    batch.put(new Key('/y'), bytes('gone'))
    batch.delete(new Key('/y'))
    batch.commit()
    expect(keysOf(store)).toEqual(['/x'])
    store.close()
  })
})
