/** Address filters and circuit relays between real nodes on loopback. */
import { afterAll, describe, expect, test } from 'bun:test'
import { createHash, randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { removeRoot, startNode, tempRoot, type TestNode, until } from './harness/node.ts'

const started: TestNode[] = []
const temps: string[] = []
afterAll(async () => {
  await Promise.all(started.map(n => n.stop()))
  for (const n of started) await removeRoot(n.root)
  for (const t of temps) await removeRoot(t)
})

async function node(config: Record<string, unknown> = {}): Promise<TestNode> {
  const n = await startNode({ config })
  started.push(n)
  return n
}

const idOf = async (n: TestNode) => JSON.parse((await n.cli('swarm', 'id', '--json')).stdout)


describe('swarm filters', () => {
  test('a filtered address is neither dialled nor accepted, and the list is saved', async () => {
    const [a, b] = [await node(), await node()]
    const aId = await idOf(a)
    const bId = await idOf(b)
    const add = await a.cli('swarm', 'filters', 'add', '127.0.0.0/8')
    expect(add.code).toBe(0)
    expect((await a.cli('swarm', 'filters')).stdout).toBe('127.0.0.0/8\n')
    expect(JSON.parse(await readFile(join(a.root, 'SystemVars.json'), 'utf8')).Filters).toEqual(['127.0.0.0/8'])

    const out = await a.cli('swarm', 'connect', b.swarmAddr())
    expect(out.code).toBe(1)
    const inbound = await b.cli('swarm', 'connect', a.swarmAddr())
    expect(inbound.code).toBe(1)
    const aPeers = JSON.parse((await a.cli('swarm', 'peers', '--json')).stdout).Peers
    expect(aPeers.map((p: any) => p.Peer)).not.toContain(bId.ID)

    expect((await a.cli('swarm', 'filters', 'rm', '127.0.0.0/8')).code).toBe(0)
    expect((await a.cli('swarm', 'connect', b.swarmAddr())).code).toBe(0)
    expect(JSON.parse((await b.cli('swarm', 'peers', '--json')).stdout).Peers.map((p: any) => p.Peer)).toContain(aId.ID)
    expect(JSON.parse(await readFile(join(a.root, 'SystemVars.json'), 'utf8')).Filters).toEqual([])
  }, 60_000)

  test('bad CIDRs and unknown entries are refused and change nothing', async () => {
    const a = await node()
    const bad = await a.cli('swarm', 'filters', 'add', '10.0.0.0/8', 'banana')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('invalid CIDR "banana"')
    expect((await a.cli('swarm', 'filters')).stdout).toBe('')
    const rm = await a.cli('swarm', 'filters', 'rm', '10.0.0.0/8')
    expect(rm.code).toBe(1)
    expect(rm.stderr).toContain('not in the filter list')
  }, 30_000)
})

describe('circuit relay', () => {
  test('a node that listens only through a relay serves content to another node', async () => {
    const relay = await node()
    const relayId = await idOf(relay)
    const relayAddr = relay.swarmAddr()
    // C has no direct listener at all: only the relay can reach it.
    const c = await node({ SwarmListen: [], Relays: [relayAddr] })
    const cId = await idOf(c)
    let circuit = ''
    await until('C to hold a relay reservation', async () => {
      const local = (await c.cli('swarm', 'local')).stdout.split('\n')
      circuit = local.find(a => a.includes('/p2p-circuit')) ?? ''
      return circuit !== ''
    })
    expect(circuit).toContain(`/p2p/${relayId.ID}/p2p-circuit`)
    expect((await c.cli('swarm', 'local')).stdout.split('\n').filter(a => a !== '' && !a.includes('p2p-circuit'))).toEqual([])

    const work = await tempRoot('leither-relay-')
    temps.push(work)
    const data = randomBytes(512 * 1024 + 3)
    await writeFile(join(work, 'c.bin'), data)
    const cid = (await c.cli('ipfs', 'add', '-q', join(work, 'c.bin'))).stdout.trim()

    const a = await node()
    const connect = await a.cli('swarm', 'connect', `${circuit}/p2p/${cId.ID}`)
    expect(connect.code).toBe(0)
    const res = await a.api('cat', [cid])
    expect(res.status).toBe(200)
    const got = new Uint8Array(await res.arrayBuffer())
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'))
  }, 90_000)
})

describe('hostile input', () => {
  test('garbage on the swarm and HTTP ports does not crash the node', async () => {
    const a = await node()
    const swarmPort = Number(/\/tcp\/(\d+)/.exec(a.swarmAddr())![1])
    for (const port of [swarmPort, a.ports.http]) {
      for (let i = 0; i < 20; i++) {
        await new Promise<void>(resolve => {
          const sock = Bun.connect({
            hostname: '127.0.0.1',
            port,
            socket: {
              open(s) { s.write(randomBytes(64 + i * 97)); setTimeout(() => { s.end(); resolve() }, 20) },
              data() {},
              error() { resolve() },
              close() { resolve() },
            },
          }).catch(() => resolve())
          void sock
        })
      }
    }
    const id = await a.cli('swarm', 'id')
    expect(id.code).toBe(0)
    expect(a.process.exitCode).toBeNull()
  }, 60_000)

  test('malformed peer IDs, CIDs and keys get clear errors', async () => {
    const a = await node()
    const peer = await a.cli('dht', 'findpeer', '12D3KooWnotapeer')
    expect(peer.code).toBe(1)
    expect(peer.stderr).toContain('invalid peer ID: "12D3KooWnotapeer"')
    const provs = await a.cli('dht', 'findprovs', 'bafynotacid')
    expect(provs.code).toBe(1)
    expect(provs.stderr).toContain('invalid CID: "bafynotacid"')
    const key = await a.cli('dht', 'get', '/leither/short/x')
    expect(key.code).toBe(1)
    expect(key.stderr).toContain('invalid Leither DHT key')
    const dial = await a.cli('swarm', 'connect', '/ip4/999.1.1.1/tcp/1')
    expect(dial.code).toBe(1)
    expect(dial.stderr).toContain('invalid multiaddr')
  }, 30_000)
})
