import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_CACHE_KIB, StoreOpenError, StoreVersionError, migrate, openDatabase } from './sqlite.ts'

const root = mkdtempSync(join(tmpdir(), 'leither-sqlite-'))
afterAll(() => { rmSync(root, { recursive: true, force: true }) })

let files = 0
const freshPath = (): string => join(root, `test-${files++}.db`)

const pragma = (db: ReturnType<typeof openDatabase>, name: string): unknown =>
  Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0]

describe('openDatabase', () => {
  test('a new file is in WAL mode with synchronous NORMAL, a busy timeout and foreign keys', () => {
    const db = openDatabase(freshPath())
    expect(pragma(db, 'journal_mode')).toBe('wal')
    expect(pragma(db, 'synchronous')).toBe(1) // NORMAL
    expect(pragma(db, 'busy_timeout')).toBe(5000)
    expect(pragma(db, 'foreign_keys')).toBe(1)
    db.close()
  })

  test('synchronous FULL can be asked for', () => {
    const db = openDatabase(freshPath(), { synchronous: 'FULL' })
    expect(pragma(db, 'synchronous')).toBe(2)
    db.close()
  })

  test('keeps a small page cache unless told otherwise (the OS caches the file too)', () => {
    const small = openDatabase(freshPath())
    expect(pragma(small, 'cache_size')).toBe(-DEFAULT_CACHE_KIB)
    small.close()
    const big = openDatabase(freshPath(), { cacheKiB: 8192 })
    expect(pragma(big, 'cache_size')).toBe(-8192)
    big.close()
  })

  test('a read-only connection reads an existing file and refuses writes', () => {
    const path = freshPath()
    const writer = openDatabase(path)
    writer.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (7)')
    writer.close()
    const reader = openDatabase(path, { readonly: true })
    expect(reader.readonly).toBe(true)
    expect(reader.prepare('SELECT n FROM t').get()).toEqual({ n: 7 })
    expect(() => { reader.exec('INSERT INTO t VALUES (8)') }).toThrow()
    reader.close()
  })

  test('a path under a regular file fails with StoreOpenError naming the path', () => {
    const file = join(root, 'file.txt')
    writeFileSync(file, 'not a folder')
    const path = join(file, 'blocks.db')
    let error: unknown
    try {
      openDatabase(path)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(StoreOpenError)
    expect((error as StoreOpenError).name).toBe('StoreOpenError')
    expect((error as StoreOpenError).path).toBe(path)
    expect((error as Error).message).toContain(`"${path}"`)
    expect((error as Error).message).toContain('is not a directory')
  })

  test('a file that is not a database fails with StoreOpenError', () => {
    const path = join(root, 'garbage.db')
    writeFileSync(path, 'x'.repeat(4096))
    expect(() => openDatabase(path)).toThrow(StoreOpenError)
  })

  test('BLOBs come back as Uint8Array, empty ones included', () => {
    const db = openDatabase(':memory:')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL)')
    const insert = db.prepare('INSERT INTO t (b) VALUES (?)')
    insert.run(new Uint8Array([1, 2, 3]))
    insert.run(new Uint8Array(0))
    const rows = db.prepare('SELECT b FROM t ORDER BY id').all<{ b: Uint8Array }>()
    expect(rows.map(r => r.b.constructor.name)).toEqual(['Uint8Array', 'Uint8Array'])
    expect(rows.map(r => [...r.b])).toEqual([[1, 2, 3], []])
    expect([...db.prepare('SELECT b FROM t ORDER BY id').iterate<{ b: Uint8Array }>()].length).toBe(2)
    expect(db.prepare('SELECT b FROM t WHERE id = ?').get(99)).toBeUndefined()
    db.close()
  })
})

describe('transaction', () => {
  test('commits what the callback wrote and rolls it all back when it throws', () => {
    const db = openDatabase(':memory:')
    db.exec('CREATE TABLE t (n INTEGER)')
    const insert = db.prepare('INSERT INTO t VALUES (?)')
    const count = (): unknown => db.prepare('SELECT count(*) AS n FROM t').get()
    db.transaction(() => { insert.run(1); insert.run(2) })
    expect(() => db.transaction(() => { insert.run(3); throw new Error('boom') })).toThrow('boom')
    expect(count()).toEqual({ n: 2 })
    db.close()
  })

  test('a nested transaction that throws undoes only its own writes', () => {
    const db = openDatabase(':memory:')
    db.exec('CREATE TABLE t (n INTEGER)')
    const insert = db.prepare('INSERT INTO t VALUES (?)')
    db.transaction(() => {
      insert.run(1)
      try {
        db.transaction(() => { insert.run(2); throw new Error('inner') })
      } catch {}
      db.transaction(() => { insert.run(3) })
    })
    expect(db.prepare('SELECT n FROM t ORDER BY n').all()).toEqual([{ n: 1 }, { n: 3 }])
    db.close()
  })

  test('an async callback is refused and its synchronous writes rolled back', () => {
    const db = openDatabase(':memory:')
    db.exec('CREATE TABLE t (n INTEGER)')
    expect(() => db.transaction(async () => { db.exec('INSERT INTO t VALUES (1)') })).toThrow(TypeError)
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 })
    db.close()
  })
})

describe('migrate', () => {
  const migrations: [string, string] = [
    'CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);',
    'CREATE TABLE b (y INTEGER);'
  ]

  test('applies each script once and bumps user_version', () => {
    const path = freshPath()
    const db = openDatabase(path)
    expect(migrate(db, migrations.slice(0, 1))).toBe(1)
    expect(migrate(db, migrations)).toBe(2)
    expect(migrate(db, migrations)).toBe(2)
    db.close()

    const again = openDatabase(path)
    expect(migrate(again, migrations)).toBe(2)
    expect(again.prepare('SELECT count(*) AS n FROM a').get()).toEqual({ n: 1 })
    expect(pragma(again, 'user_version')).toBe(2)
    again.close()
  })

  test('a failing script leaves the version and schema as they were', () => {
    const db = openDatabase(':memory:')
    migrate(db, migrations.slice(0, 1))
    expect(() => migrate(db, [migrations[0], 'CREATE TABLE c (z); SELECT no_such_function();'])).toThrow()
    expect(pragma(db, 'user_version')).toBe(1)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'c'").get()).toBeUndefined()
    db.close()
  })

  test('a schema newer than the migrations is refused with StoreVersionError', () => {
    const db = openDatabase(':memory:')
    migrate(db, migrations)
    expect(() => migrate(db, migrations.slice(0, 1))).toThrow(StoreVersionError)
    db.close()
  })
})
