import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { createTestNode } from './test-node.ts'
import type { TestNode } from './test-node.ts'

const EVIL = '<script>alert(1)</script>.txt'

let node: TestNode
let site: CID // has index.html
let docs: CID // no index.html, nested dirs, a hostile name
let sharded: CID // HAMT-sharded
let hostile: CID // hand-made: its one entry name holds markup (and a "/", which importers never write)

beforeAll(async () => {
  node = await createTestNode()
  site = await node.addDir({ 'index.html': '<!doctype html><h1>home</h1>', 'about/index.html': '<h1>about</h1>' })
  docs = await node.addDir({
    'readme.md': '# docs\n',
    'a b/c&d/deep.json': '{"deep":true}\n',
    'ünï.txt': 'unicode\n'
  })
  const many: Record<string, string> = {}
  for (let i = 0; i < 40; i++) many[`file-${i}.txt`] = `content ${i}\n`
  sharded = await node.addDir(many, { shardSplitThresholdBytes: 1 })
  hostile = await putDirectory(EVIL, await node.addFile('not a script\n'))
})
afterAll(async () => { await node.stop() })

// A DAG from the network can name entries anything; build one by hand as an attacker would.
async function putDirectory(name: string, target: CID): Promise<CID> {
  const bytes = dagPb.encode(dagPb.prepare({ Data: new UnixFS({ type: 'directory' }).marshal(), Links: [{ Name: name, Hash: target, Tsize: 21 }] }))
  const cid = CID.createV0(await sha256.digest(bytes))
  await node.blockstore.put(cid, bytes)
  return cid
}

describe('a directory', () => {
  test('without a trailing slash redirects 301 to the slash form, keeping the query', async () => {
    const res = await node.get(`/ipfs/${docs}/a%20b?x=1`)
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe(`/ipfs/${docs}/a%20b/?x=1`)
  })

  test('with index.html serves that file as HTML', async () => {
    const res = await node.get(`/ipfs/${site}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    expect(await res.text()).toBe('<!doctype html><h1>home</h1>')
    const index = (await node.fs.stat(site, { path: 'index.html' })).cid
    expect(res.headers.get('ETag')).toBe(`"${index}"`)
    expect(res.headers.get('X-Ipfs-Path')).toBe(`/ipfs/${site}/`)
  })

  test('nested with index.html serves the nested one', async () => {
    const res = await node.get(`/ipfs/${site}/about/`)
    expect(await res.text()).toBe('<h1>about</h1>')
  })

  test('without index.html is listed with names, sizes and CID links', async () => {
    const res = await node.get(`/ipfs/${docs}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('ETag')).toBe(`"DirIndex-${docs}"`)
    const html = await res.text()
    const readme = (await node.fs.stat(docs, { path: 'readme.md' })).cid
    expect(html).toContain(`<a href="/ipfs/${docs}/readme.md">readme.md</a>`)
    expect(html).toContain(`href="/ipfs/${readme}"`)
    expect(html).toContain(`href="/ipfs/${docs}/a%20b">a b</a>`)
    expect(html).toContain(`href="/ipfs/${docs}/%C3%BCn%C3%AF.txt">ünï.txt</a>`)
    expect(html).not.toContain('>..</a>')
    expect(Number(res.headers.get('Content-Length'))).toBe(new TextEncoder().encode(html).byteLength)
  })

  test('listing escapes a hostile entry name everywhere', async () => {
    const res = await node.get(`/ipfs/${hostile}/`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).not.toContain('<script>')
    expect(html).toContain('>&#60;script&#62;alert(1)&#60;/script&#62;.txt</a>')
    expect(html).toContain(`href="/ipfs/${hostile}/%3Cscript%3Ealert(1)%3C%2Fscript%3E.txt"`)
    expect(res.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
  })

  test('listing below the root links to its parent', async () => {
    const res = await node.get(`/ipfs/${docs}/a%20b/`)
    const html = await res.text()
    expect(html).toContain(`<a href="/ipfs/${docs}/">..</a>`)
    expect(html).toContain(`<a href="/ipfs/${docs}/a%20b/c%26d">c&#38;d</a>`)
    expect(html).toContain(`Index of /ipfs/${docs}/a b`)
  })

  test('listing answers 304 to its own ETag', async () => {
    const res = await node.get(`/ipfs/${docs}/`, { headers: { 'If-None-Match': `"DirIndex-${docs}"` } })
    expect(res.status).toBe(304)
  })

  test('listing HEAD has the headers and no body', async () => {
    const res = await node.get(`/ipfs/${docs}/`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(Number(res.headers.get('Content-Length'))).toBeGreaterThan(100)
    expect(await res.text()).toBe('')
  })
})

describe('a path below a CID', () => {
  test('resolves percent-encoded segments through nested directories', async () => {
    const res = await node.get(`/ipfs/${docs}/a%20b/c%26d/deep.json`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(await res.text()).toBe('{"deep":true}\n')
    const deep = (await node.fs.stat(docs, { path: 'a b/c&d/deep.json' })).cid
    expect(res.headers.get('ETag')).toBe(`"${deep}"`)
    const roots = (res.headers.get('X-Ipfs-Roots') ?? '').split(',')
    expect(roots).toHaveLength(4)
    expect(roots[0]).toBe(docs.toString())
    expect(roots[3]).toBe(deep.toString())
  })

  test('takes its type from the extension', async () => {
    const res = await node.get(`/ipfs/${docs}/readme.md`)
    expect(res.headers.get('Content-Type')).toBe('text/markdown; charset=utf-8')
  })

  test('resolves through a HAMT-sharded directory', async () => {
    const res = await node.get(`/ipfs/${sharded}/file-27.txt`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('content 27\n')
  })

  test('lists a HAMT-sharded directory with every entry', async () => {
    const html = await (await node.get(`/ipfs/${sharded}/`)).text()
    for (let i = 0; i < 40; i++) expect(html).toContain(`>file-${i}.txt</a>`)
  })

  test('that does not exist answers 404 with a short message', async () => {
    const res = await node.get(`/ipfs/${docs}/a%20b/missing.txt`)
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
    expect(await res.text()).toContain('no entry "missing.txt"')
  })

  test('through a file answers 404', async () => {
    const res = await node.get(`/ipfs/${docs}/readme.md/more`)
    expect(res.status).toBe(404)
  })

  test('with an encoded slash in a segment answers 400', async () => {
    const res = await node.get(`/ipfs/${docs}/a%20b%2Fc%26d/deep.json`)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('encoded "/"')
  })
})
