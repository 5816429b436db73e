/**
 * The browser SDK in headless Chromium: a page served by the node loads
 * /leither.js, takes its token from the URL fragment, and uses a db MiMei
 * as Redis, as localStorage and as IndexedDB; a backup published from the
 * page reaches a provider, which serves it to the page across origins
 * without a token; without a token nothing private is read or written.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestNode, lastVersion, startSwarm, stopSwarm, until } from './harness/node.ts'

// Names the page functions use: they run in Chromium, not here.
declare const window: any, location: any, sessionStorage: any

let a: TestNode, b: TestNode
let browser: Browser
let page: Page
let mid = ''
let token = ''
let pageUrl = ''

const APP_HTML = `<!doctype html><meta charset="utf-8"><title>sdk test</title><script src="/leither.js"></script><p>ready</p>`

const cliJson = async (n: TestNode, ...args: string[]) => {
  const r = await n.cli(...args, '--json')
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`)
  return JSON.parse(r.stdout)
}
const dbText = async (n: TestNode, ...args: string[]) => (await n.cli('db', mid, ...args)).stdout.trim()

beforeAll(async () => {
  ;[a, b] = await startSwarm(1, { MiMeiPollSeconds: 1 }) as [TestNode, TestNode]
  mid = (await cliJson(a, 'mimei', 'create', '--type', 'db')).MID
  token = (await cliJson(a, 'token', 'create', mid, '--rights', 'rwx', '--label', 'browser test')).Token
  const dir = await mkdtemp(join(tmpdir(), 'leither-app-'))
  await writeFile(join(dir, 'app.html'), APP_HTML)
  const added = (await a.cli('ipfs', 'add', '-w', '-q', join(dir, 'app.html'))).stdout.trim()
  await rm(dir, { recursive: true, force: true })
  pageUrl = `http://127.0.0.1:${a.ports.http}/ipfs/${added}/app.html?mid=${mid}`
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  page = await browser.newPage()
  await page.goto(`${pageUrl}#leither-token=${token}`)
  await page.waitForFunction(() => (window as any).Leither != null)
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await stopSwarm([a, b])
})

describe('the browser SDK', () => {
  test('is served at /leither.js and reads the page context; the token leaves the address bar', async () => {
    const res = await fetch(`http://127.0.0.1:${a.ports.http}/leither.js`)
    expect(res.headers.get('content-type')).toStartWith('text/javascript')
    const seen = await page.evaluate(async () => {
      const L = (window as any).Leither
      return { param: L.getParam(), hash: location.hash, stored: Object.keys(sessionStorage).length, session: await L.connect().session() }
    })
    expect(seen.param.mid).toBe(mid)
    expect(seen.hash).toBe('')
    expect(seen.stored).toBe(1)
    expect(seen.session).toMatchObject({ node: (await cliJson(a, 'swarm', 'id')).ShortID, scope: mid, rights: 'rwx' })
  })

  test('runs Redis commands; a batch is all or nothing', async () => {
    const out = await page.evaluate(async () => {
      const db = (window as any).Leither.connect().db()
      const set = await db.command('SET', 'greeting', 'hello')
      const incr = await db.batch([['INCR', 'n'], ['INCRBY', 'n', '41']])
      let failure: any = null
      try { await db.batch([['SET', 'half', 'written'], ['INCR', 'greeting']]) } catch (e: any) { failure = { name: e.name, message: e.message, index: e.index } }
      let conflict: any = null
      try { await db.batch([['GET', 'n'], ['SET', 'guarded', '1']], { 0: 'not 42' }) } catch (e: any) { conflict = { name: e.name, found: e.found } }
      return { set, incr: incr.replies, failure, conflict, half: await db.command('EXISTS', 'half'), guarded: await db.command('EXISTS', 'guarded') }
    })
    expect(out.set).toBe('OK')
    expect(out.incr).toEqual([1, 42])
    expect(out.failure).toEqual({ name: 'LeitherError', message: 'ERR value is not an integer or out of range', index: 1 })
    expect(out.conflict).toEqual({ name: 'ConflictError', found: '42' })
    expect([out.half, out.guarded]).toEqual([0, 0])
    expect(await dbText(a, 'GET', 'greeting')).toBe('"hello"')
  })

  test('without a token, the private working copy is neither read nor written', async () => {
    const out = await page.evaluate(async () => {
      const db = (window as any).Leither.connect({ token: null }).db()
      const errors: string[] = []
      for (const args of [['GET', 'greeting'], ['SET', 'x', '1']]) {
        try { await db.command(...args) } catch (e: any) { errors.push(`${e.name} ${e.status}`) }
      }
      return errors
    })
    expect(out).toEqual(['NotAllowedError 403', 'NotAllowedError 403'])
    expect(await dbText(a, 'EXISTS', 'x')).toBe('(integer) 0')
  })

  test('localStorage: synchronous reads, writes stored on the node, kept across reloads', async () => {
    const first = await page.evaluate(async () => {
      const ls = await (window as any).Leither.localStorage()
      ls.setItem('theme', 'dark')
      ls.setItem('lang', 'zh')
      ls.setItem('gone', 'soon')
      ls.removeItem('gone')
      const sync = [ls.getItem('theme'), ls.getItem('gone'), ls.length]
      await ls.flush()
      return sync
    })
    expect(first).toEqual(['dark', null, 2])
    expect(await dbText(a, 'HGET', 'ls:default', 'theme')).toBe('"dark"')
    await page.reload()
    await page.waitForFunction(() => (window as any).Leither != null)
    const after = await page.evaluate(async () => {
      const ls = await (window as any).Leither.localStorage()
      const keys = Array.from({ length: ls.length }, (_, i) => ls.key(i)).sort()
      return { keys, theme: ls.getItem('theme') }
    })
    expect(after).toEqual({ keys: ['lang', 'theme'], theme: 'dark' })
  })

  test('live: writes from another tab and from the CLI reach the page, as storage events', async () => {
    const other = await browser.newPage()
    try {
      await other.goto(`${pageUrl}#leither-token=${token}`)
      await other.waitForFunction(() => (window as any).Leither != null)
      await page.evaluate(async () => {
        const w = window as any
        w.events = []
        w.ls = await w.Leither.localStorage()
        w.ls.onchange = (e: any) => w.events.push(e)
      })
      await other.evaluate(async () => {
        const ls = await (window as any).Leither.localStorage()
        ls.setItem('note', 'from tab 2')
        await ls.flush()
        ls.close()
      })
      await page.waitForFunction(() => (window as any).ls.getItem('note') === 'from tab 2', null, { timeout: 10_000 })
      expect((await a.cli('db', mid, 'HSET', 'ls:default', 'cli', 'from the CLI')).code).toBe(0)
      await page.waitForFunction(() => (window as any).ls.getItem('cli') === 'from the CLI', null, { timeout: 10_000 })
      const events = await page.evaluate(() => (window as any).events)
      expect(events).toEqual([{ key: 'note', oldValue: null, newValue: 'from tab 2' }, { key: 'cli', oldValue: null, newValue: 'from the CLI' }])
      // Watching the private working copy needs a token too.
      const refused = await page.evaluate(async () => {
        const watcher = (window as any).Leither.connect({ token: null }).db().watch(() => {})
        try { await watcher.opened; return 'opened' } catch (e: any) { return e.name } finally { watcher.close() }
      })
      expect(refused).toBe('NotAllowedError')
      await page.evaluate(() => (window as any).ls.close())
    } finally {
      await other.close()
    }
  })

  test('IndexedDB-like stores: keys in order, ranges, indexes, unique constraints, deletes', async () => {
    const out = await page.evaluate(async () => {
      const L = (window as any).Leither
      const R = L.KeyRange
      const idb = await L.indexedDB()
      const notes = idb.objectStore('notes', {
        keyPath: 'id',
        autoIncrement: true,
        indexes: [{ name: 'by_title', keyPath: 'title', unique: true }, { name: 'by_tag', keyPath: 'tags', multiEntry: true }],
      })
      const ids: number[] = []
      for (const [title, tags] of [['b', ['work']], ['a', ['home', 'work']], ['d', []], ['c', ['home']]] as const) {
        ids.push(await notes.add({ title, tags }))
      }
      let unique = ''
      try { await notes.add({ title: 'a', tags: [] }) } catch (e: any) { unique = e.name }
      let dup = ''
      try { await notes.add({ id: ids[0], title: 'zz' }) } catch (e: any) { dup = e.name }
      await notes.put({ id: ids[1], title: 'a2', tags: ['home'] }) // replaces: its index entries move
      const byTitle = (await notes.index('by_title').getAll()).map((n: any) => n.title)
      const work = (await notes.index('by_tag').getAll('work')).map((n: any) => n.title)
      const home = await notes.index('by_tag').count('home')
      const range = (await notes.getAll(R.bound(ids[1], ids[3], true, false))).map((n: any) => n.title)
      const firstTwo = await notes.getAllKeys(null, 2)
      const aToB = (await notes.index('by_title').getAll(R.bound('a', 'b'))).map((n: any) => n.title)
      await notes.delete(R.upperBound(ids[1]))
      const left = (await notes.getAll()).map((n: any) => n.title)
      const titleFreed = (await notes.index('by_title').get('b')) ?? null

      // Mixed key types sort as in IndexedDB: numbers < Dates < strings < arrays.
      const mixed = idb.objectStore('mixed')
      const keys = [['x', 1], 'b', new Date(5), 10, -3, 'a', [1], new Date(-5)]
      for (const k of keys) await mixed.put({ k: String(k) }, k)
      const sorted = (await mixed.getAllKeys()).map((k: any) => k instanceof Date ? `D${k.getTime()}` : JSON.stringify(k))
      const strings = await mixed.getAllKeys(R.bound('a', 'z'))
      await mixed.clear()
      return { ids, unique, dup, byTitle, work, home, range, firstTwo, aToB, left, titleFreed, sorted, strings, cleared: await mixed.count() }
    })
    expect(out.ids).toEqual([1, 2, 3, 4])
    expect(out.unique).toBe('ConstraintError')
    expect(out.dup).toBe('ConstraintError')
    expect(out.byTitle).toEqual(['a2', 'b', 'c', 'd'])
    expect(out.work).toEqual(['b'])
    expect(out.home).toBe(2)
    expect(out.range).toEqual(['d', 'c'])
    expect(out.firstTwo).toEqual([1, 2])
    expect(out.aToB).toEqual(['a2', 'b'])
    expect(out.left).toEqual(['d', 'c'])
    expect(out.titleFreed).toBeNull()
    expect(out.sorted).toEqual(['-3', '10', 'D-5', 'D5', '"a"', '"b"', '[1]', '["x",1]'])
    expect(out.strings).toEqual(['a', 'b'])
    expect(out.cleared).toBe(0)
    // The same data is an ordinary db: the CLI sees the store's hash.
    expect(await dbText(a, 'HLEN', 'idb:notes')).toBe('(integer) 2')
  })

  test('a backup published from the page reaches a provider, which serves it to the page without a token', async () => {
    const backup = await page.evaluate(async () => (window as any).Leither.connect().db().backup({ publish: true }))
    expect(backup).toMatchObject({ ver: 1, published: true })
    const provide = await b.cli('mimei', 'provide', mid)
    expect(provide.stderr).toBe('')
    await until('the provider to follow version 1', async () => await lastVersion(b, mid) === 1, 30_000)
    const other = `http://127.0.0.1:${b.ports.http}`
    const out = await page.evaluate(async (node: string) => {
      const db = (window as any).Leither.connect({ node, token: null }).db()
      const read = await db.command('HGET', 'ls:default', 'theme')
      let write = ''
      try { await db.command('SET', 'x', '1') } catch (e: any) { write = `${e.name} ${e.status}` }
      return { read, write }
    }, other)
    expect(out).toEqual({ read: 'dark', write: 'NotAllowedError 403' })
  })

  test('a token for another database, a read-only token and a revoked token are refused', async () => {
    const other = (await cliJson(a, 'mimei', 'create', '--type', 'db')).MID
    const otherToken = (await cliJson(a, 'token', 'create', other)).Token
    const readOnly = await cliJson(a, 'token', 'create', mid, '--rights', 'r')
    const out = await page.evaluate(async ([t1, t2]: string[]) => {
      const L = (window as any).Leither
      const tryIt = async (token: string, ...args: string[]) => {
        try { return await L.connect({ token }).db().command(...args) } catch (e: any) { return `${e.name}: ${e.message}` }
      }
      return [await tryIt(t1!, 'GET', 'greeting'), await tryIt(t2!, 'GET', 'greeting'), await tryIt(t2!, 'SET', 'greeting', 'changed')]
    }, [otherToken, readOnly.Token])
    expect(out[0]).toStartWith('NotAllowedError: the access token does not allow reading')
    expect(out[1]).toBe('hello')
    expect(out[2]).toStartWith('NotAllowedError: the access token does not allow writing')
    expect((await a.cli('token', 'revoke', readOnly.ID)).code).toBe(0)
    const revoked = await page.evaluate(async (t: string) => {
      try { return await (window as any).Leither.connect({ token: t }).db().command('GET', 'greeting') } catch (e: any) { return e.message }
    }, readOnly.Token)
    expect(revoked).toBe('unknown or revoked access token')
  })
})

describe('/sdk/v0 on bad input', () => {
  const post = (body: string, auth = token, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${a.ports.http}/sdk/v0/db`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers },
  })

  test('answers a CORS preflight from any origin, since rights come only from the token', async () => {
    const res = await fetch(`http://127.0.0.1:${a.ports.http}/sdk/v0/db`, { method: 'OPTIONS', headers: { origin: 'http://example.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization')
  })

  test('gives a clear error and writes nothing', async () => {
    const cases: Array<[string, number, string]> = [
      ['{not json', 400, 'must be a JSON object'],
      ['[]', 400, 'must be a JSON object'],
      [JSON.stringify({ db: mid }), 400, '"commands" must be'],
      [JSON.stringify({ db: '../etc', commands: [['GET', 'a']] }), 400, '"db" must be'],
      [JSON.stringify({ db: mid, commands: [['SET', 'bad1', 'v'], []] }), 400, 'command 1 must be'],
      [JSON.stringify({ db: mid, commands: [['SET', 'bad2', { x: 1 }]] }), 400, 'strings or numbers'],
      [JSON.stringify({ db: mid, commands: Array.from({ length: 1001 }, () => ['SET', 'bad3', 'v']) }), 400, 'at most 1000'],
      [JSON.stringify({ db: mid, commands: [['SET', 'bad4', 'v'], ['SUBSCRIBE', 'ch']] }), 400, 'not available over HTTP'],
      [JSON.stringify({ db: mid, commands: [['SET', 'bad5', 'v'], ['BLPOP', 'l', '0']] }), 400, 'not available over HTTP'],
      [JSON.stringify({ db: mid, commands: [['SET', 'bad6', 'v']], expect: { 3: 'x' } }), 400, 'not in the batch'],
      [JSON.stringify({ db: mid, commands: [['SET', 'bad7', 'v'], ['NOSUCHCMD']] }), 400, "ERR unknown command 'NOSUCHCMD'"],
      [JSON.stringify({ db: '-', commands: [['SET', 'bad8', 'v']] }), 403, 'does not allow'],
    ]
    for (const [body, status, message] of cases) {
      const res = await post(body)
      const reply = await res.json() as any
      expect([status, reply.error]).toEqual([res.status, expect.stringContaining(message)])
    }
    const bad = await post(JSON.stringify({ db: mid, commands: [['GET', 'a']] }), '', { authorization: 'Basic abc' })
    expect(bad.status).toBe(403)
    expect(await dbText(a, 'EXISTS', 'bad1', 'bad2', 'bad3', 'bad4', 'bad5', 'bad6', 'bad7')).toBe('(integer) 0')
  })

  test('a * token reaches the default database', async () => {
    const all = (await cliJson(a, 'token', 'create', '*', '--ttl', '1h')).Token
    const res = await post(JSON.stringify({ db: '-', commands: [['SET', 'from-browser', '1'], ['GET', 'from-browser']] }), all)
    expect(await res.json()).toEqual({ replies: ['OK', '1'] })
    expect((await a.cli('db', '-', 'GET', 'from-browser')).stdout.trim()).toBe('"1"')
  })

  test('token create refuses a bad scope, rights or lifetime', async () => {
    for (const args of [['nope'], [mid, '--rights', 'q'], [mid, '--ttl', 'forever']]) {
      const r = await a.cli('token', 'create', ...args)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(/invalid token scope|invalid rights|lifetime must/)
    }
  })
})
