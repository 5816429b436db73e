/**
 * gateway: wrk on /ipfs/<cid> and /mm/<mid>/<file> for a 1 KB and a 1 MB
 * object, against nginx serving the same bytes from disk. The server runs on
 * CPU 0 and wrk on CPU 1 (taskset), `wrk -t1 -c50`, as the toolchain probe did.
 * After the first request both objects are answered from the gateway's cache
 * of small resolved content (src/gateway/README.md), as nginx answers from the
 * page cache: this measures the steady state of hot content.
 *
 *   bun bench/gateway.ts [--smoke] [--out DIR]
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { leitherBinary, removeDir, scratchDir, startNode, type BenchNode } from './lib/leither.ts'
import { startNginx, type Nginx } from './lib/nginx.ts'
import { Report, benchOptions, leitherVersion, main } from './lib/report.ts'
import { haveTool, pinTo } from './lib/tools.ts'
import { wrk, type WrkOptions, type WrkResult } from './lib/wrk.ts'

const OBJECTS = [
  { file: '1k.bin', bytes: 1024, label: '1 KB' },
  { file: '1m.bin', bytes: 1024 * 1024, label: '1 MB' },
]

/** Fetches url once and checks it returns exactly `expected`, so wrk measures real answers. */
async function check(url: string, expected: Uint8Array): Promise<void> {
  const res = await fetch(url)
  const got = new Uint8Array(await res.arrayBuffer())
  if (res.status !== 200 || got.length !== expected.length || !Buffer.from(got).equals(Buffer.from(expected))) {
    throw new Error(`${url}: HTTP ${res.status}, ${got.length} bytes, not the expected ${expected.length}`)
  }
}

main(async () => {
  const opts = benchOptions()
  const seconds = opts.smoke ? 1 : 4
  const rounds = opts.smoke ? 1 : 2
  const load: WrkOptions = { seconds, connections: 50, threads: 1, cpu: 1 }
  const report = new Report('gateway', opts, `gateway: requests/s, wrk -t1 -c50 -d${seconds}s, best of ${rounds} interleaved rounds, server on CPU 0, wrk on CPU 1`)
  const binary = await leitherBinary()
  report.machine.leither = leitherVersion(binary)
  const withWrk = haveTool('wrk')
  const withNginx = haveTool('nginx')
  if (!withWrk) report.note('wrk is not installed (apt-get install wrk): only correctness was checked')
  if (!withNginx) report.note('nginx is not installed (apt-get install nginx-light): no reference')
  if (pinTo(0).length === 0) report.note('not pinned to cores (fewer than 2 cores or no taskset)')

  const work = await scratchDir('gateway')
  let node: BenchNode | undefined
  let nginx: Nginx | undefined
  try {
    const docroot = join(work, 'www')
    await mkdir(docroot, { recursive: true })
    const bytes = new Map<string, Uint8Array>()
    for (const o of OBJECTS) {
      const data = new Uint8Array(randomBytes(o.bytes))
      bytes.set(o.file, data)
      await writeFile(join(docroot, o.file), data)
    }

    // Both servers run on CPU 0 for the whole bench; only the one under load is busy.
    node = await startNode({ binary, prefix: pinTo(0) })
    const cids = new Map<string, string>()
    for (const o of OBJECTS) cids.set(o.file, (await node.cliOk('ipfs', 'add', '-q', join(docroot, o.file))).stdout.trim())
    const mid = JSON.parse((await node.cliOk('mimei', 'create', '--json')).stdout).MID as string
    await node.cliOk('mimei', 'add', mid, docroot, '-r')
    if (withNginx) nginx = await startNginx(join(work, 'nginx'), docroot, pinTo(0))

    const base = `http://127.0.0.1:${node.http}`
    const targets = OBJECTS.flatMap(o => [
      ...(nginx != null ? [{ key: `nginx:${o.file}`, url: `http://127.0.0.1:${nginx.port}/${o.file}`, o }] : []),
      { key: `ipfs:${o.file}`, url: `${base}/ipfs/${cids.get(o.file)}`, o },
      { key: `mm:${o.file}`, url: `${base}/mm/${mid}/${o.file}`, o },
    ])
    for (const t of targets) await check(t.url, bytes.get(t.o.file)!)

    // Interleaved rounds: a burst of other work on the machine hits both servers alike;
    // the best round of each is its figure.
    const runs = new Map<string, WrkResult[]>()
    if (withWrk) {
      if (!opts.smoke) for (const t of targets) await wrk(t.url, { ...load, seconds: 1 }) // warm-up (JIT, caches)
      for (let r = 0; r < rounds; r++) {
        for (const t of targets) runs.set(t.key, [...(runs.get(t.key) ?? []), await wrk(t.url, load)])
      }
    }
    const best = (key: string): WrkResult | null => {
      const all = runs.get(key) ?? []
      return all.length === 0 ? null : all.reduce((a, b) => (b.reqPerSec > a.reqPerSec ? b : a))
    }
    const memory = await node.memory()

    for (const o of OBJECTS) {
      for (const path of ['ipfs', 'mm'] as const) {
        const r = best(`${path}:${o.file}`)
        const ref = best(`nginx:${o.file}`)
        const ratio = r != null && ref != null ? r.reqPerSec / ref.reqPerSec : null
        report.add({
          name: `${path === 'ipfs' ? '/ipfs/<cid>' : '/mm/<mid>/' + o.file} ${o.label}`,
          unit: 'req/s',
          value: r?.reqPerSec ?? null,
          reference: { name: 'nginx', value: ref?.reqPerSec ?? null },
          better: 'higher',
          target: '≥ 0.5× nginx',
          met: ratio == null ? null : ratio >= 0.5,
          extra: { best: r, nginxBest: ref, rounds: runs.get(`${path}:${o.file}`)?.map(x => x.reqPerSec), nginxRounds: runs.get(`nginx:${o.file}`)?.map(x => x.reqPerSec) },
        })
        if (r != null) report.note(`${path} ${o.label}: latency avg ${r.latencyAvgMs.toFixed(2)} ms, p99 ${r.latencyP99Ms.toFixed(2)} ms, ${r.transferPerSec}/s${ref != null ? ` (nginx: avg ${ref.latencyAvgMs.toFixed(2)} ms, p99 ${ref.latencyP99Ms.toFixed(2)} ms, ${ref.transferPerSec}/s)` : ''}; rounds ${runs.get(`${path}:${o.file}`)!.map(x => x.reqPerSec.toFixed(0)).join(' / ')}${ref != null ? ` vs nginx ${runs.get(`nginx:${o.file}`)!.map(x => x.reqPerSec.toFixed(0)).join(' / ')}` : ''}`)
      }
    }
    report.note(`Leither RSS after the load: ${memory.rssMB.toFixed(0)} MB (peak ${memory.hwmMB.toFixed(0)} MB)`)
    report.note('every URL was fetched once and compared byte for byte before the load; /mm/<mid> serves a directory version holding both files')
    report.data = { cids: Object.fromEntries(cids), mid, load, rounds }
    console.log(`wrote ${report.finish()}`)
  } finally {
    await node?.stop()
    await nginx?.stop()
    if (node != null) await removeDir(node.root)
    await removeDir(work)
  }
})
