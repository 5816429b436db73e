/**
 * Twelve nodes on loopback, each bootstrapped only to its predecessor (a
 * chain): content, peers and Leither records are found across the chain.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash, randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { removeRoot, startNode, tempRoot, type TestNode, until } from './harness/node.ts'

const N = 12
const nodes: TestNode[] = []
const ids: Array<{ ID: string, ShortID: string }> = []
let work: string

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!


beforeAll(async () => {
  work = await tempRoot('leither-dht-')
  for (let i = 0; i < N; i++) {
    const bootstrap = i === 0 ? [] : [nodes[i - 1]!.swarmAddr()]
    const node = await startNode({ config: { Bootstrap: bootstrap } })
    nodes.push(node)
    ids.push(JSON.parse((await node.cli('swarm', 'id', '--json')).stdout))
  }
  // Every node has dialled its bootstrap neighbour.
  for (let i = 1; i < N; i++) {
    await until(`node ${i + 1} to reach node ${i}`, async () => {
      const peers = JSON.parse((await nodes[i]!.cli('swarm', 'peers', '--json')).stdout).Peers
      return peers.some((p: any) => p.Peer === ids[i - 1]!.ID)
    })
  }
}, 120_000)

afterAll(async () => {
  await Promise.all(nodes.map(n => n.stop()))
  for (const n of nodes) await removeRoot(n.root)
  await removeRoot(work)
})

describe('a 12-node chain on loopback', () => {
  test('node 12 finds and fetches what node 1 added, without being told where', async () => {
    const first = nodes[0]!
    const last = nodes[N - 1]!
    // Node 12 was only ever given node 11's address. DHT upkeep (routing
    // table refresh) may link it to node 1 on its own; what is proved here
    // is that node 12 learns node 1 is the provider through the DHT.
    const config = JSON.parse(await readFile(join(last.root, 'SystemVars.json'), 'utf8'))
    expect(config.Bootstrap).toEqual([nodes[N - 2]!.swarmAddr()])

    const data = randomBytes(1024 * 1024 + 7)
    const path = join(work, 'payload.bin')
    await writeFile(path, data)
    const cid = (await first.cli('ipfs', 'add', '-q', path)).stdout.trim()

    // The add announces the root by itself; node 12 finds it through the DHT.
    let provs: any[] = []
    await until('node 12 to find node 1 as a provider', async () => {
      const res = await last.cli('dht', 'findprovs', cid, '--json', '--timeout', '5')
      provs = res.stdout.trim() === '' ? [] : res.stdout.trim().split('\n').map(l => JSON.parse(l)).filter(p => p.ID != null)
      return provs.some(p => p.ID === ids[0]!.ID)
    }, 30_000)
    console.log(`findprovs across the chain: ${provs.find(p => p.ID === ids[0]!.ID).Ms} ms to the provider`)

    const cat = await last.api('cat', [cid])
    expect(cat.status).toBe(200)
    const got = new Uint8Array(await cat.arrayBuffer())
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'))
  }, 90_000)

  test('node 12 finds node 1\'s addresses with dht findpeer; lookups are timed', async () => {
    const times: number[] = []
    for (const [from, to] of [[11, 0], [10, 1], [9, 2], [8, 0], [11, 4]] as const) {
      const res = await nodes[from]!.cli('dht', 'findpeer', ids[to]!.ID, '--json')
      expect(res.code).toBe(0)
      const found = JSON.parse(res.stdout)
      expect(found.ID).toBe(ids[to]!.ID)
      expect(found.Addrs.some((a: string) => a.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true)
      times.push(found.Ms)
    }
    console.log(`findpeer median over ${times.length} lookups: ${median(times)} ms (${times.join(', ')})`)
  }, 90_000)

  test('a Leither record put on node 3 is read on node 9, and the newest wins', async () => {
    const put = await nodes[2]!.cli('dht', 'put', 'greeting', 'hello from node 3')
    expect(put.code).toBe(0)
    expect(put.stdout).toMatch(/dht put ok {2}seq= \d+ peers= [1-9]\d* /)
    const key = `/leither/${ids[2]!.ShortID}/greeting`
    const get = await nodes[8]!.cli('dht', 'get', key, '--json')
    expect(get.code).toBe(0)
    const record = JSON.parse(get.stdout)
    expect(record.Value).toBe('hello from node 3')
    expect(record.Signer).toBe(ids[2]!.ShortID)

    await Bun.sleep(5)
    expect((await nodes[2]!.cli('dht', 'put', 'greeting', 'second words')).code).toBe(0)
    const again = JSON.parse((await nodes[8]!.cli('dht', 'get', key, '--json')).stdout)
    expect(again.Value).toBe('second words')
    expect(again.Seq).toBeGreaterThan(record.Seq)
  }, 90_000)

  test('an invalid record is refused before it leaves the node', async () => {
    const forged = `/leither/${ids[8]!.ShortID}/greeting`
    const put = await nodes[2]!.cli('dht', 'put', forged, 'not mine')
    expect(put.code).toBe(1)
    expect(put.stderr).toContain(`can only sign records under /leither/${ids[2]!.ShortID}/`)
    const get = await nodes[5]!.cli('dht', 'get', forged, '--timeout', '5')
    expect(get.code).toBe(1)
    const badKey = await nodes[2]!.cli('dht', 'get', '/ipns/whatever')
    expect(badKey.code).toBe(1)
    expect(badKey.stderr).toContain('unsupported DHT key namespace')
    const big = await nodes[2]!.cli('dht', 'put', 'big', 'x'.repeat(11_000))
    expect(big.code).toBe(1)
    expect(big.stderr).toContain('the limit is 10240')
  }, 60_000)

  test('netsize gives a plausible estimate', async () => {
    const res = JSON.parse((await nodes[6]!.cli('dht', 'netsize', '--json')).stdout)
    expect(res.NetSize).toBeGreaterThanOrEqual(2)
    console.log(`netsize estimate with ${N} nodes: ${res.NetSize} (sampled ${res.Sampled})`)
  }, 60_000)
})
