import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { removeRoot, startNode, tempRoot, type TestNode } from './harness/node.ts'

let a: TestNode
let b: TestNode
let work: string
beforeAll(async () => {
  ;[a, b] = await Promise.all([startNode(), startNode()])
  work = await tempRoot('leither-2n-')
})
afterAll(async () => {
  await Promise.all([a.stop(), b.stop()])
  for (const r of [a.root, b.root, work]) await removeRoot(r)
})

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

describe('two nodes on loopback', () => {
  test('B fetches a multi-MiB file that A added, by CLI and by gateway', async () => {
    // Several MiB: blocks above ~1.2 KB are what broke Noise on Bun.
    const data = randomBytes(6 * 1024 * 1024 + 123)
    const path = join(work, 'big.bin')
    await writeFile(path, data)
    const cid = (await a.cli('ipfs', 'add', '-q', path)).stdout.trim()
    expect(cid).toStartWith('Qm')

    const connect = await b.cli('swarm', 'connect', a.swarmAddr())
    expect(connect.code).toBe(0)
    expect(connect.stdout).toContain('success')
    const peers = JSON.parse((await b.cli('swarm', 'peers', '--json')).stdout).Peers
    const aId = JSON.parse((await a.cli('swarm', 'id', '--json')).stdout)
    expect(peers.map((p: any) => p.Peer)).toContain(aId.ID)
    expect(peers.find((p: any) => p.Peer === aId.ID).ShortID).toBe(aId.ShortID)

    const res = await fetch(`http://127.0.0.1:${b.ports.http}/ipfs/${cid}`)
    expect(res.status).toBe(200)
    const body = new Uint8Array(await res.arrayBuffer())
    expect(body.length).toBe(data.length)
    expect(sha(body)).toBe(sha(data))

    const cat = await b.api('cat', [cid])
    expect(sha(new Uint8Array(await cat.arrayBuffer()))).toBe(sha(data))
  }, 120_000)

  test('swarm addrs groups the known peer under its short ID', async () => {
    const aId = JSON.parse((await a.cli('swarm', 'id', '--json')).stdout)
    const addrs = await b.cli('swarm', 'addrs')
    expect(addrs.stdout).toMatch(new RegExp(`^${aId.ShortID} \\(\\d+\\)$`, 'm'))
    const disconnect = await b.cli('swarm', 'disconnect', aId.ID)
    expect(disconnect.code).toBe(0)
    const bad = await b.cli('swarm', 'connect', '/ip4/127.0.0.1/tcp/notaport')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('invalid multiaddr "/ip4/127.0.0.1/tcp/notaport"')
  }, 60_000)
})
