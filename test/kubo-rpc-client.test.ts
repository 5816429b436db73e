import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { create } from 'kubo-rpc-client'
import { removeRoot, startNode, type TestNode } from './harness/node.ts'

let a: TestNode
let b: TestNode
beforeAll(async () => { [a, b] = await Promise.all([startNode(), startNode()]) })
afterAll(async () => {
  await Promise.all([a.stop(), b.stop()])
  await removeRoot(a.root)
  await removeRoot(b.root)
})

describe('the published kubo-rpc-client', () => {
  test('adds, cats, pins and reads the identity and peers of a Leither node', async () => {
    const ipfs = create({ url: `${a.apiUrl}/api/v0` })
    const added = await ipfs.add('hello world\n')
    expect(added.cid.toString()).toBe('QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o')
    expect(added.size).toBe(20)

    const chunks: Uint8Array[] = []
    for await (const c of ipfs.cat(added.cid)) chunks.push(c)
    expect(Buffer.concat(chunks).toString()).toBe('hello world\n')

    const id = await ipfs.id()
    expect(id.id.toString()).toMatch(/^12D3KooW/)

    const pins = []
    for await (const p of ipfs.pin.ls()) pins.push(p.cid.toString())
    expect(pins).toContain(added.cid.toString())
    await ipfs.pin.rm(added.cid)
    const pinned = await ipfs.pin.add(added.cid)
    expect(pinned.toString()).toBe(added.cid.toString())

    const dir = []
    for await (const f of ipfs.addAll([{ path: 'd/a.txt', content: 'A' }, { path: 'd/b.txt', content: 'B' }])) dir.push(f.path)
    expect(dir).toEqual(['d/a.txt', 'd/b.txt', 'd'])

    await ipfs.swarm.connect(b.swarmAddr() as any)
    const peers = await ipfs.swarm.peers()
    const bId = ((await (await b.api('id')).json() as any)).ID
    expect(peers.map(p => p.peer.toString())).toContain(bId)
  }, 60_000)
})
