/**
 * MiMei under faults: a conflict between two publishes of the same version,
 * a replayed older record, an expired record, a provider that was offline
 * or restarted, and bad input.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type TestNode, lastVersion, startNode, startSwarm, stopSwarm, tempRoot, until } from './harness/node.ts'

let a: TestNode, b: TestNode, c: TestNode
let work: string



async function addCid(n: TestNode, text: string): Promise<string> {
  const path = join(work, `${Math.random()}.txt`)
  await writeFile(path, text)
  return (await n.cli('ipfs', 'add', '-q', path)).stdout.trim()
}

async function restart(n: TestNode): Promise<TestNode> {
  await n.stop()
  return startNode({ root: n.root })
}

beforeAll(async () => {
  work = await tempRoot('leither-mmf-')
  ;[a, b, c] = await startSwarm(2, { MiMeiPollSeconds: 1 }) as [TestNode, TestNode, TestNode]
}, 60_000)

afterAll(async () => {
  await stopSwarm([a, b, c], work)
})

describe('MiMei faults', () => {
  test('two publishes of different content under one version show as a conflict everywhere; nothing is lost', async () => {
    const mark = `conflict-${Date.now()}`
    const mid = JSON.parse((await a.cli('mimei', 'create', '-m', mark, '--json')).stdout).MID
    const x = await addCid(a, 'content X\n')
    await a.cli('mimei', 'setcid', mid, x)
    expect((await a.cli('mimei', 'publish', mid)).code).toBe(0)
    expect((await b.cli('mimei', 'provide', mid)).code).toBe(0)
    expect((await c.cli('mimei', 'provide', mid)).code).toBe(0)

    // A second holder of the author's key: A loses its MiMei table (a restored
    // backup, another device), re-creates the same MiMei and publishes other content as version 1.
    await a.stop()
    await rm(join(a.root, 'data', 'mimei.db'), { force: true })
    await rm(join(a.root, 'data', 'mimei.db-wal'), { force: true })
    await rm(join(a.root, 'data', 'mimei.db-shm'), { force: true })
    a = await startNode({ root: a.root })
    for (const n of [b, c]) expect((await n.cli('swarm', 'connect', a.swarmAddr())).code).toBe(0)
    expect(JSON.parse((await a.cli('mimei', 'create', '-m', mark, '--json')).stdout).MID).toBe(mid)
    const y = await addCid(a, 'content Y\n')
    await a.cli('mimei', 'setcid', mid, y)
    expect((await a.cli('mimei', 'publish', mid)).code).toBe(0)

    for (const n of [a, b, c]) {
      await until('the conflict to show', async () => {
        const show = JSON.parse((await n.cli('mimei', 'show', mid, '--json')).stdout)
        return show.Conflicts.some((k: any) => k.Ver === 1 && k.Cids.includes(x) && k.Cids.includes(y))
      })
    }
    const text = (await b.cli('mimei', 'show', mid)).stdout
    expect(text).toMatch(/conflict\n-+\nversion 1 has 2 contents: /)
    // No data lost: both contents are still on the providers.
    for (const cid of [x, y]) expect(((await (await b.api('block/stat', [cid], { offline: 'true' })).json() as any)).Key).toBe(cid)

    // The author resolves it with a newer version.
    const z = await addCid(a, 'content Z\n')
    await a.cli('mimei', 'setcid', mid, z)
    expect((await a.cli('mimei', 'publish', mid)).code).toBe(0)
    await until('B to follow version 2', async () => await lastVersion(b, mid) === 2)
    expect((await b.cli('mimei', 'cat', mid)).stdout).toBe('content Z\n')
    expect((await c.cli('mimei', 'show', mid)).stdout).toContain('(resolved by version 2)')
  }, 120_000)

  test('a replayed older record never rolls a node back', async () => {
    const mid = JSON.parse((await a.cli('mimei', 'create', '--json')).stdout).MID
    await a.cli('mimei', 'setcid', mid, await addCid(a, 'one\n'))
    await a.cli('mimei', 'publish', mid)
    expect((await c.cli('mimei', 'provide', mid)).code).toBe(0)
    expect((await c.cli('mimei', 'unprovide', mid)).code).toBe(0) // C keeps the old record
    expect((await b.cli('mimei', 'provide', mid)).code).toBe(0)
    await a.cli('mimei', 'setcid', mid, await addCid(a, 'two\n'))
    await a.cli('mimei', 'publish', mid)
    await until('B to hold version 2', async () => await lastVersion(b, mid) === 2)
    const cId = JSON.parse((await c.cli('swarm', 'id', '--json')).stdout).ID
    const sync = await b.cli('mimei', 'sync', mid, '--from', cId)
    expect(sync.code).toBe(0)
    expect(await lastVersion(b, mid)).toBe(2)
    expect((await b.cli('mimei', 'cat', mid)).stdout).toBe('two\n')
  }, 60_000)

  test('an expired record is refused', async () => {
    const mid = JSON.parse((await a.cli('mimei', 'create', '--json')).stdout).MID
    await a.cli('mimei', 'setcid', mid, await addCid(a, 'short-lived\n'))
    expect((await a.cli('mimei', 'publish', mid, '--eol', '2s')).stdout).toContain('EOL = 2s')
    // A running author renews its records at half life: stop that, so this one lapses.
    expect((await a.cli('mimei', 'unpublish', mid)).code).toBe(0)
    await Bun.sleep(2500)
    const sync = await b.cli('mimei', 'sync', mid)
    expect(sync.code).toBe(1)
    expect(sync.stderr).toContain(`no record of MiMei "${mid}"`)
    expect((await b.api('mimei/versions', [mid])).status).toBe(404)
  }, 60_000)

  test('provider duties and versions survive a restart, and missed publishes are caught up', async () => {
    const mid = JSON.parse((await a.cli('mimei', 'create', '--json')).stdout).MID
    await a.cli('mimei', 'setcid', mid, await addCid(a, 'before\n'))
    await a.cli('mimei', 'publish', mid)
    expect((await b.cli('mimei', 'provide', mid)).code).toBe(0)
    await b.stop()
    await a.cli('mimei', 'setcid', mid, await addCid(a, 'while B was down\n'))
    await a.cli('mimei', 'publish', mid)
    b = await startNode({ root: b.root })
    const listed = JSON.parse((await b.cli('mimei', 'list', '--json')).stdout).MiMei.find((m: any) => m.MID === mid)
    expect(listed.Providing).toBe(true)
    await until('B to catch up after its restart', async () => await lastVersion(b, mid) === 2, 20_000)
    expect((await b.cli('mimei', 'cat', mid)).stdout).toBe('while B was down\n')
    // the author's publishing duty survives too
    a = await restart(a)
    expect(JSON.parse((await a.cli('mimei', 'list', '--json')).stdout).MiMei.find((m: any) => m.MID === mid).Publishing).toBe(true)
  }, 90_000)

  test('a sync killed half-way leaves the earlier version intact and resumes after restart', async () => {
    const mid = JSON.parse((await a.cli('mimei', 'create', '--json')).stdout).MID
    await a.cli('mimei', 'setcid', mid, await addCid(a, 'small first version\n'))
    await a.cli('mimei', 'publish', mid)
    expect((await b.cli('mimei', 'provide', mid)).code).toBe(0)
    const big = join(work, 'big-v2.bin')
    const data = new Uint8Array(48 * 1024 * 1024)
    for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff
    crypto.getRandomValues(data.subarray(0, 65536))
    await writeFile(big, data)
    const bigCid = (await a.cli('ipfs', 'add', '-q', big)).stdout.trim()
    await a.cli('mimei', 'setcid', mid, bigCid)
    const publishing = a.cli('mimei', 'publish', mid)
    await Bun.sleep(150)
    await b.kill9() // mid-transfer, most likely
    await publishing
    b = await startNode({ root: b.root })
    // the first version is whole whatever happened
    expect((await b.cli('mimei', 'cat', mid, '-v', '1')).stdout).toBe('small first version\n')
    await until('B to finish version 2 after its restart', async () => await lastVersion(b, mid) === 2, 60_000)
    const got = new Uint8Array(await (await fetch(`http://127.0.0.1:${b.ports.http}/mm/${mid}/`)).arrayBuffer())
    expect(got.length).toBe(data.length)
    expect(Buffer.compare(Buffer.from(got), Buffer.from(data))).toBe(0)
  }, 120_000)

  test('bad input gets clear errors and changes nothing', async () => {
    const unknown = await a.cli('mimei', 'versions', 'h7Nkwe4rfb1d15En8yQ65Lhhq9b')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('unknown MiMei "h7Nkwe4rfb1d15En8yQ65Lhhq9b"')
    const mid = JSON.parse((await a.cli('mimei', 'create', '--json')).stdout).MID
    const badCid = await a.cli('mimei', 'setcid', mid, 'QmBroken')
    expect(badCid.code).toBe(1)
    expect(badCid.stderr).toContain('invalid CID')
    expect(await lastVersion(a, mid)).toBe(0)
    await a.cli('mimei', 'setcid', mid, await addCid(a, 'x\n'))
    const escape = await a.cli('mimei', 'cat', `${mid}/../../etc/passwd`)
    expect(escape.code).toBe(1)
    expect(escape.stderr).toContain('may not leave the MiMei')
    const badType = await a.cli('mimei', 'create', '--type', 'blob')
    expect(badType.code).toBe(1)
    const badVer = await a.cli('mimei', 'restore', mid, 'seven')
    expect(badVer.code).toBe(1)
    expect(badVer.stderr).toContain('version must be')
    const delRelease = await a.cli('mimei', 'release', mid, '1')
    expect(delRelease.code).toBe(0)
    const del = await a.cli('mimei', 'delver', mid, '1')
    expect(del.code).toBe(1)
    expect(del.stderr).toContain('is the release')
    expect(await lastVersion(a, mid)).toBe(1)
  }, 60_000)
})
