import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { NotFoundError } from '../utils/errors.ts'
import { createMiMeiGateway } from './mimei-route.ts'
import { createTestNode } from './test-node.ts'
import type { TestNode } from './test-node.ts'
import type { Hono } from 'hono'
import type { CID } from 'multiformats/cid'

const MID = 'RXN7aBcDeFgHiJkLmNoPqRsTuVw'

describe('/mm/<mid>', () => {
  let node: TestNode
  let app: Hono
  const versions = new Map<string, CID>()
  let slow = false

  beforeAll(async () => {
    node = await createTestNode({ local: true })
    versions.set('1', await node.addDir({ 'index.html': '<h1>one</h1>', 'a.txt': 'first\n' }))
    versions.set('2', await node.addDir({ 'index.html': '<h1>two</h1>', 'a.txt': 'second\n' }))
    versions.set('last', versions.get('2') as CID)
    app = createMiMeiGateway({
      ipfs: node.app.handler,
      resolve: (mid, version) => {
        if (mid !== MID) throw new NotFoundError(`unknown MiMei "${mid}"`)
        const cid = versions.get(version)
        if (cid == null) throw new Error(`no version ${version}`)
        return slow ? Bun.sleep(5).then(() => cid) : cid
      }
    })
  })
  afterAll(async () => { await node.stop() })

  const get = async (path: string, init?: RequestInit): Promise<Response> => await app.request(`http://gateway.test${path}`, init)

  test('serves the last version, revalidated, naming the MiMei and the CID', async () => {
    const res = await get(`/mm/${MID}/`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('<h1>two</h1>')
    expect(res.headers.get('Cache-Control')).toBe('no-cache')
    expect(res.headers.get('X-Leither-Mimei')).toBe(MID)
    expect(res.headers.get('X-Leither-Cid')).toBe(versions.get('2')?.toString() ?? '')
    expect(res.headers.get('X-Ipfs-Path')).toBe(`/ipfs/${versions.get('2')}/`)
  })

  test('serves a numbered version as immutable, files, ranges and HEAD alike', async () => {
    const res = await get(`/mm/${MID}/a.txt?ver=1`)
    expect(await res.text()).toBe('first\n')
    expect(res.headers.get('Cache-Control')).toContain('immutable')
    const part = await get(`/mm/${MID}/a.txt?ver=1`, { headers: { Range: 'bytes=1-3' } })
    expect(part.status).toBe(206)
    expect(await part.text()).toBe('irs')
    const head = await get(`/mm/${MID}/a.txt`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('Content-Length')).toBe('7')
    expect(await head.text()).toBe('')
  })

  test('redirects to the slash form under /mm/, keeping the query and the version', async () => {
    const last = await get(`/mm/${MID}?x=1`)
    expect(last.status).toBe(301)
    expect(last.headers.get('Location')).toBe(`/mm/${MID}/?x=1`)
    const one = await get(`/mm/${MID}?ver=1&x=1`)
    expect(one.headers.get('Location')).toBe(`/mm/${MID}/?x=1&ver=1`)
  })

  test('follows a new version at once', async () => {
    versions.set('last', versions.get('1') as CID)
    try {
      expect(await (await get(`/mm/${MID}/a.txt`)).text()).toBe('first\n')
    } finally {
      versions.set('last', versions.get('2') as CID)
    }
    expect(await (await get(`/mm/${MID}/a.txt`)).text()).toBe('second\n')
  })

  test('waits for a resolver that has to sync first', async () => {
    slow = true
    try {
      expect(await (await get(`/mm/${MID}/a.txt`)).text()).toBe('second\n')
    } finally {
      slow = false
    }
  })

  test('answers 400 for a malformed ID, the kind\'s status when resolving fails, else 502', async () => {
    expect((await get('/mm/short/')).status).toBe(400)
    const unknown = await get(`/mm/${MID.replace('R', 'Q')}/`)
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toContain('unknown MiMei')
    expect((await get(`/mm/${MID}/?ver=9`)).status).toBe(502)
  })

  test('answers 404 for a path the version does not have', async () => {
    expect((await get(`/mm/${MID}/missing.txt`)).status).toBe(404)
  })
})
