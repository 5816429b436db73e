/**
 * The seed's MiMei flow on three loopback nodes: A creates, adds and
 * publishes; B syncs and provides; C provides; A publishes more and the
 * providers follow in real time; A stops and B still serves /mm/<mid>/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type TestNode, lastVersion, startSwarm, stopSwarm, tempRoot } from './harness/node.ts'

let a: TestNode, b: TestNode, c: TestNode
let work: string
let mid = ''
const propagation: number[] = []

async function call(node: TestNode, path: string, args: string[] = [], query: Record<string, string> = {}) {
  const res = await node.api(path, args, query)
  const body = (await res.json() as any)
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.Message}`)
  return body
}

/** Publishes on A and times how long each provider takes to hold the new version. */
async function publishAndTime(ver: number): Promise<void> {
  const t0 = performance.now()
  const publish = call(a, 'mimei/publish', [mid])
  const waits = [b, c].map(async node => {
    const deadline = t0 + 10_000
    while (performance.now() < deadline) {
      if (await lastVersion(node, mid) >= ver) return performance.now() - t0
      await Bun.sleep(10)
    }
    throw new Error(`provider did not get version ${ver} within 10 s`)
  })
  await publish
  for (const ms of await Promise.all(waits)) propagation.push(ms)
}

beforeAll(async () => {
  work = await tempRoot('leither-mm-')
  ;[a, b, c] = await startSwarm(2) as [TestNode, TestNode, TestNode]
}, 60_000)

afterAll(async () => {
  if (propagation.length > 0) {
    const sorted = [...propagation].sort((x, y) => x - y)
    console.log(`publish → provider has the version: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms over ${sorted.length} (${sorted.map(x => x.toFixed(0)).join(', ')})`)
  }
  await stopSwarm([a, b, c], work)
})

describe('the seed MiMei flow on three nodes', () => {
  test('A creates a MiMei, sets a CID, adds a file and publishes, with the seed\'s lines', async () => {
    const created = await a.cli('mimei', 'create')
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^Create MiMei {2}ok\nmid= [\w-]{27}\n$/)
    mid = /mid= (\S+)/.exec(created.stdout)![1]!

    await writeFile(join(work, 'v1.txt'), 'version one\n')
    const cid = (await a.cli('ipfs', 'add', '-q', join(work, 'v1.txt'))).stdout.trim()
    const setcid = await a.cli('mimei', 'setcid', mid, cid)
    expect(setcid.stdout).toBe(`mid= ${mid}\ncid= ${cid}\nMiMeiSetCid ver= 1\n`)
    const page = () => fetch(`http://127.0.0.1:${a.ports.http}/mm/${mid}/`).then(r => r.text())
    expect(await page()).toBe('version one\n')

    await writeFile(join(work, 'v2.txt'), 'version two\n')
    const add = await a.cli('mimei', 'add', mid, join(work, 'v2.txt'))
    expect(add.code).toBe(0)
    expect(add.stdout).toMatch(/^add \/ipfs\/(Qm\w+) \d+\nMiMeiAdd cid= \/ipfs\/\1\nMiMeiAdd ver= 2\n$/)
    // The very next request shows the new version: /mm's cache follows the MiMei table.
    expect(await page()).toBe('version two\n')

    const publish = await a.cli('mimei', 'publish', mid)
    expect(publish.stdout).toBe(`MiMeiPublish mids= [${mid}] EOL = 168h\nMiMeiPublish ok\n`)
  }, 60_000)

  test('B syncs and provides; C provides; findprovs lists them with their versions', async () => {
    const sync = await b.cli('mimei', 'sync', mid)
    expect(sync.stdout).toBe(`MiMeiSync mid= ${mid}\nmimei sync ok\n`)
    expect((await b.cli('mimei', 'cat', mid)).stdout).toBe('version two\n')
    expect((await b.cli('mimei', 'cat', mid, '-v', '1')).stdout).toBe('version one\n')
    const provide = await b.cli('mimei', 'provide', mid)
    expect(provide.stdout).toBe(`MiMeiProvide cids= [${mid}]\nMiMeiProvide ok\n`)
    expect((await c.cli('mimei', 'provide', mid)).code).toBe(0)
    expect(await lastVersion(c, mid)).toBe(2)

    const findprovs = await c.cli('mimei', 'findprovs', mid)
    expect(findprovs.stdout).toStartWith(`MiMeiFindProvide mid= ${mid}\nmimei findprovs  ver=2\nmimei findprovs  addrs=[{`)
    expect(findprovs.stdout).toEndWith('mimei findprovs ok\n')
    const json = JSON.parse((await c.cli('mimei', 'findprovs', mid, '--json')).stdout)
    const ids = await Promise.all([a, b].map(async n => JSON.parse((await n.cli('swarm', 'id', '--json')).stdout).ID))
    for (const id of ids) expect(json.Providers.map((p: any) => p.ID)).toContain(id)
  }, 90_000)

  test('two more publishes reach both providers in real time', async () => {
    for (const ver of [3, 4]) {
      await writeFile(join(work, `v${ver}.txt`), `version ${ver}\n`)
      expect((await a.cli('mimei', 'add', mid, join(work, `v${ver}.txt`))).code).toBe(0)
      await publishAndTime(ver)
    }
    expect((await c.cli('mimei', 'cat', mid)).stdout).toBe('version 4\n')
    const sorted = [...propagation].sort((x, y) => x - y)
    // A LAN promise of "within a second": the median on loopback must be well inside it.
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(1000)
  }, 60_000)

  test('show on C reports no conflict and the same last version as the network', async () => {
    const show = await c.cli('mimei', 'show', mid)
    expect(show.code).toBe(0)
    expect(show.stdout).toContain(`MiMeiShow mid= ${mid}`)
    expect(show.stdout).toContain('Right   :7276704')
    expect(show.stdout).toMatch(/from local\n-+\n1 +Qm\w+\n2 +Qm\w+\n3 +Qm\w+\n4 +Qm\w+\nlast +4\n/)
    expect(show.stdout).toMatch(/from net\n-+\n(.+\n){4}last +4\n/)
    expect(show.stdout).toContain('conflict\n-------------------------------------------------------------\nno conflict\n')
    expect(show.stdout).toContain('local version is same with net')
    expect(show.stdout).toEndWith('mimei show ok\n')
  }, 60_000)

  test('only the author can change or publish it', async () => {
    const publish = await b.cli('mimei', 'publish', mid)
    expect(publish.code).toBe(1)
    expect(publish.stderr).toContain(`cannot change MiMei "${mid}": not the author`)
    const setcid = await b.cli('mimei', 'setcid', mid, 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o')
    expect(setcid.code).toBe(1)
    expect(await lastVersion(b, mid)).toBe(4)
  }, 30_000)

  test('with A stopped, B still serves /mm/<mid>/', async () => {
    await a.stop()
    const res = await fetch(`http://127.0.0.1:${b.ports.http}/mm/${mid}/`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('version 4\n')
    const old = await fetch(`http://127.0.0.1:${b.ports.http}/mm/${mid}/?ver=2`)
    expect(await old.text()).toBe('version two\n')
    expect(old.headers.get('cache-control')).toContain('immutable')
  }, 30_000)
})
