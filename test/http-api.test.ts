import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { removeRoot, startNode, type TestNode } from './harness/node.ts'
import { commands } from '../src/api/commands/index.ts'

let node: TestNode
beforeAll(async () => { node = await startNode() })
afterAll(async () => {
  await node.stop()
  await removeRoot(node.root)
})

describe('the HTTP API', () => {
  test('publishes an OpenAPI document covering every node command and kubo alias', async () => {
    const doc = (await (await fetch(`${node.apiUrl}/api/v0/openapi.json`)).json() as any)
    expect(doc.openapi).toStartWith('3.')
    for (const cmd of commands) {
      if (cmd.runsIn === 'local' && cmd.servedOverHttp !== true) continue
      expect(doc.paths[`/api/v0/${cmd.path.join('/')}`]?.post?.summary).toBe(cmd.summary)
      for (const alias of cmd.kubo ?? []) expect(doc.paths[`/api/v0/${alias}`]).toBeDefined()
    }
  })

  test('answers kubo\'s paths with kubo\'s reply shapes', async () => {
    const id = (await (await node.api('id')).json() as any)
    expect(id.ID).toMatch(/^12D3KooW/)
    expect(typeof id.PublicKey).toBe('string')
    expect(Array.isArray(id.Addresses)).toBe(true)
    const version = (await (await node.api('version')).json() as any)
    expect(version.Version).toMatch(/^\d+\.\d+\.\d+/)
    const form = new FormData()
    form.append('file', new Blob(['hello world\n']), 'hello.txt')
    const add = await node.api('add', [], {}, { body: form })
    expect(add.status).toBe(200)
    expect(await add.text()).toContain('"Hash":"QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"')
  })

  test('turns errors into kubo-style JSON with a fitting status', async () => {
    const bad = await node.api('cat', ['not-a-cid'])
    expect(bad.status).toBe(400)
    expect((await bad.json() as any)).toEqual({ Message: 'invalid CID: "not-a-cid"', Code: 0, Type: 'error' })
    const unknown = await node.api('frobnicate')
    expect(unknown.status).toBe(404)
    const get = await fetch(`${node.apiUrl}/api/v0/id`)
    expect(get.status).toBe(405)
    const notMultipart = await node.api('add', [], {}, { body: 'plain text', headers: { 'content-type': 'text/plain' } })
    expect(notMultipart.status).toBe(400)
    expect(((await notMultipart.json() as any)).Message).toContain('multipart/form-data')
    const badOption = await node.api('add', [], { 'cid-version': 'seven' }, { body: new FormData() })
    expect(badOption.status).toBe(400)
  })

  test('refuses browser POSTs, even from pages the gateway serves on its own origin', async () => {
    const res = await node.api('id', [], {}, { headers: { origin: 'http://evil.example' } })
    expect(res.status).toBe(403)
    const same = await node.api('id', [], {}, { headers: { origin: node.apiUrl } })
    expect(same.status).toBe(403)
    expect(((await same.json() as any)).Message).toContain('APIAllowOrigins')
    expect((await node.api('id')).status).toBe(200)
  })

  test('rejects malformed multipart bodies without changing anything', async () => {
    const before = (await (await node.api('repo/stat')).json() as any)
    const res = await node.api('add', [], {}, { body: '--xyz\r\ngarbage', headers: { 'content-type': 'multipart/form-data; boundary=xyz' } })
    expect(res.status).toBe(400)
    const after = (await (await node.api('repo/stat')).json() as any)
    expect(after.NumObjects).toBe(before.NumObjects)
    // Cut off inside a file part, sent whole (the in-memory reader) and chunked (the streaming one).
    const cut = '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\npartial'
    const sized = await node.api('add', [], {}, { body: cut, headers: { 'content-type': 'multipart/form-data; boundary=xyz' } })
    expect(sized.status).toBe(400)
    const chunked = await node.api('add', [], {}, { body: new Response(cut).body, headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, duplex: 'half' } as RequestInit)
    expect(chunked.status).toBe(400)
    expect(((await chunked.json() as any)).Message).toContain('malformed multipart body')
    expect((await (await node.api('repo/stat')).json() as any).NumObjects).toBe(before.NumObjects)
    const traversal = new FormData()
    traversal.append('file', new Blob(['x']), '..%2F..%2Fetc%2Fpasswd')
    const t = await node.api('add', [], {}, { body: traversal })
    expect(t.status).toBe(400)
    expect(((await t.json() as any)).Message).toContain('..')
  })
})
