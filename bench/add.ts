/**
 * add: `ipfs add` of 256 MiB of random data from a file on disk with the
 * compiled binary, CIDv0 and CIDv1 (raw leaves), against sha256sum of the same
 * file (the hashing limit) and Debian's ipfs_cid (a Rust CIDv0 calculator that
 * stores nothing). Every Leither run gets a fresh node root, so no block is
 * already stored.
 *
 *   bun bench/add.ts [--smoke] [--out DIR]
 *
 * Two Leither figures: "CLI" is the add command end to end (process start,
 * streaming upload, import into SQLite, pin, reply): the figure a user sees and
 * the one held to the target. "API" is the same upload POSTed to /api/v0/add
 * by this script (no CLI process): the node-side cost including HTTP parsing.
 */
import { createWriteStream } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { BenchNode, leitherBinary, removeDir, scratchDir, startNode } from './lib/leither.ts'
import { run, runOk } from './lib/procs.ts'
import { Report, benchOptions, leitherVersion, main } from './lib/report.ts'
import { mbPerSec, median } from './lib/stats.ts'
import { haveTool } from './lib/tools.ts'
import { readableFrom } from '../src/utils/readable-from.ts'

const MiB = 1024 * 1024

async function randomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path)
  for (let left = bytes; left > 0; left -= MiB) {
    if (!out.write(randomBytes(Math.min(MiB, left)))) await new Promise(r => out.once('drain', r))
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => err != null ? reject(err) : resolve()))
}

/** A streamed kubo-style multipart body holding one file, as the CLI sends it. */
function multipartFile(file: string): RequestInit {
  const boundary = `bench-${crypto.randomUUID()}`
  const enc = new TextEncoder()
  const head = enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="data.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`)
  const tail = enc.encode(`\r\n--${boundary}--\r\n`)
  async function * parts(): AsyncGenerator<Uint8Array> {
    yield head
    yield * Bun.file(file).stream()
    yield tail
  }
  return {
    body: readableFrom(parts()),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    duplex: 'half',
  } as RequestInit
}

/** One add: its time, the root CID and the node's peak RSS (VmHWM) by the end of it. */
interface AddRun { ms: number, cid: string, peakMB: number }

async function cliAdd(binary: string, file: string, v1: boolean): Promise<AddRun> {
  const node = await startNode({ binary })
  try {
    const r = await node.cliOk('ipfs', 'add', '-q', ...(v1 ? ['--cid-version', '1'] : []), file)
    return { ms: r.ms, cid: r.stdout.trim(), peakMB: (await node.memory()).hwmMB }
  } finally {
    await node.stop()
    await removeDir(node.root)
  }
}

async function apiAdd(binary: string, file: string, v1: boolean): Promise<AddRun> {
  const node = await startNode({ binary })
  try {
    const t0 = performance.now()
    const res = await node.api('add', [], v1 ? { 'cid-version': '1' } : {}, multipartFile(file))
    const lines = (await res.text()).trim().split('\n').map(l => JSON.parse(l))
    const ms = performance.now() - t0
    return { ms, cid: lines.filter(l => l.Hash != null).at(-1)?.Hash ?? '', peakMB: (await node.memory()).hwmMB }
  } finally {
    await node.stop()
    await removeDir(node.root)
  }
}

main(async () => {
  const opts = benchOptions()
  const size = opts.smoke ? MiB : 256 * MiB
  const iterations = opts.smoke ? 1 : 3
  const report = new Report('add', opts, `add: ipfs add of ${size / MiB} MiB of random data, MB/s (median of ${iterations})`)
  const binary = await leitherBinary()
  report.machine.leither = leitherVersion(binary)

  const work = await scratchDir('add')
  try {
    const file = join(work, 'random.bin')
    await randomFile(file, size)
    await runOk('sha256sum', [file]) // warm the page cache: every tool reads from memory

    const sha: number[] = []
    for (let i = 0; i < iterations; i++) sha.push((await runOk('sha256sum', [file])).ms)
    const shaMBs = mbPerSec(size, median(sha))

    let cidMBs: number | null = null
    let oracleV0: string | undefined
    if (haveTool('ipfs_cid')) {
      const times: number[] = []
      for (let i = 0; i < iterations; i++) {
        const r = await run('ipfs_cid', [file])
        if (r.code !== 0) throw new Error(`ipfs_cid failed: ${r.stderr}`)
        times.push(r.ms)
        oracleV0 = JSON.parse(r.stdout.split('\n')[0]!).CIDv0
      }
      cidMBs = mbPerSec(size, median(times))
    } else {
      report.note('ipfs_cid is not installed (apt-get install ipfs-cid): no ipfs_cid reference')
    }

    // The floor every CLI command pays: process start + one API round trip.
    const floorNode: BenchNode = await startNode({ binary })
    const floor: number[] = []
    for (let i = 0; i < (opts.smoke ? 1 : 5); i++) floor.push((await floorNode.cliOk('swarm', 'id')).ms)
    await floorNode.stop()
    await removeDir(floorNode.root)

    const results: Record<string, { cli: AddRun[], api: AddRun[] }> = {}
    for (const v1 of [false, true]) {
      const key = v1 ? 'v1' : 'v0'
      results[key] = { cli: [], api: [] }
      for (let i = 0; i < iterations; i++) {
        results[key].cli.push(await cliAdd(binary, file, v1))
        results[key].api.push(await apiAdd(binary, file, v1))
      }
      const cids = new Set([...results[key].cli, ...results[key].api].map(r => r.cid))
      if (cids.size !== 1) throw new Error(`CID${key} differs between runs: ${[...cids].join(', ')}`)
    }
    const v0Cid = results.v0!.cli[0]!.cid
    if (oracleV0 != null && oracleV0 !== v0Cid) throw new Error(`CIDv0 ${v0Cid} differs from ipfs_cid's ${oracleV0}`)

    const mbs = (runs: AddRun[]) => mbPerSec(size, median(runs.map(r => r.ms)))
    const sha256 = { name: 'sha256sum', value: shaMBs }
    report.add({ name: 'sha256sum (reference)', unit: 'MB/s', value: shaMBs })
    if (cidMBs != null) report.add({ name: 'ipfs_cid, CIDv0 (reference)', unit: 'MB/s', value: cidMBs })
    for (const [key, target] of [['v1', 0.5], ['v0', 0.3]] as const) {
      const label = key === 'v1' ? 'CIDv1 raw leaves' : 'CIDv0'
      const cli = mbs(results[key]!.cli)
      report.add({ name: `Leither ipfs add ${label}, CLI end to end`, unit: 'MB/s', value: cli, reference: sha256, better: 'higher', target: `≥ ${target}× sha256sum`, met: cli / shaMBs >= target })
      report.add({ name: `Leither ${label}, API only (no CLI process)`, unit: 'MB/s', value: mbs(results[key]!.api), reference: sha256, better: 'higher' })
    }
    if (cidMBs != null) report.add({ name: 'Leither CIDv0, CLI end to end', unit: 'MB/s', value: mbs(results.v0!.cli), reference: { name: 'ipfs_cid', value: cidMBs }, better: 'higher' })
    report.add({ name: 'CLI floor: `Leither swarm id` (start + 1 API call)', unit: 'ms', value: median(floor) })

    report.note(`CIDs: v0 ${v0Cid}${oracleV0 != null ? ' (= ipfs_cid)' : ''}, v1 ${results.v1!.cli[0]!.cid}; every run on a fresh node root`)
    const peak = (key: string) => Math.round(median(results[key]!.cli.map(r => r.peakMB)))
    report.note(`peak RSS of the node (VmHWM) by the end of the CLI add, median: CIDv0 ${peak('v0')} MB, CIDv1 ${peak('v1')} MB`)
    report.note('CLI = the add command end to end (what the target is judged on); API = POST /api/v0/add from the bench, i.e. the node side incl. HTTP parsing')
    report.note('ipfs_cid only hashes (no chunk storage, no pinning); sha256sum is one SHA-256 pass, the floor for any CIDv0/v1 add')
    report.data = {
      bytes: size,
      sha256sumMs: sha,
      results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { cliMs: v.cli.map(r => Math.round(r.ms)), apiMs: v.api.map(r => Math.round(r.ms)), cliPeakMB: v.cli.map(r => Math.round(r.peakMB)), apiPeakMB: v.api.map(r => Math.round(r.peakMB)), cid: v.cli[0]!.cid }])),
      cliFloorMs: floor.map(Math.round),
    }
    console.log(`wrote ${report.finish()}`)
  } finally {
    await removeDir(work)
  }
})
