/**
 * replication: how long after `mimei publish` every provider holds the new
 * version. An author and N providers (bootstrapped to the author) on
 * loopback; each provider's `mimei/versions` Last is polled every 10 ms from
 * the moment the publish call is made. Median and p95 over 50 publishes,
 * with 3 and with 10 providers (a fresh swarm for each).
 *
 *   bun bench/replication.ts [--smoke] [--out DIR] [--publishes 50] [--providers 3,10]
 */
import { leitherBinary, pool, startNode, stopAll, type BenchNode } from './lib/leither.ts'
import { Report, benchOptions, leitherVersion, main } from './lib/report.ts'
import { median, summarize, type Summary } from './lib/stats.ts'

const POLL_MS = 10
const DEADLINE_MS = 15_000

async function lastVersion(node: BenchNode, mid: string): Promise<number> {
  const res = await fetch(`${node.apiUrl}/api/v0/mimei/versions?arg=${mid}`, { method: 'POST' })
  return res.status === 200 ? ((await res.json()) as any).Last ?? 0 : 0
}

/** Polls until node holds version ver; the elapsed ms since t0, or null after the deadline. */
async function waitVersion(node: BenchNode, mid: string, ver: number, t0: number): Promise<number | null> {
  while (performance.now() - t0 < DEADLINE_MS) {
    if (await lastVersion(node, mid) >= ver) return performance.now() - t0
    await Bun.sleep(POLL_MS)
  }
  return null
}

async function addVersion(author: BenchNode, mid: string, text: string): Promise<number> {
  const form = new FormData()
  form.append('file', new Blob([text]), 'index.txt')
  const lines = (await (await author.api('mimei/add', [mid], {}, { body: form })).text()).trim().split('\n').map(l => JSON.parse(l))
  const ver = lines.find(l => l.Ver != null)?.Ver
  if (typeof ver !== 'number') throw new Error(`mimei add gave no version: ${JSON.stringify(lines)}`)
  return ver
}

interface SwarmResult {
  providers: number
  all: Summary
  each: Summary
  publishCall: Summary
  missed: number
  apiRoundTrip: number
}

async function measure(binary: string, providers: number, publishes: number): Promise<SwarmResult> {
  const author = await startNode({ binary })
  const nodes: BenchNode[] = [author]
  try {
    const followers = await pool(Array.from({ length: providers }), 4, () => startNode({ binary, config: { Bootstrap: [author.swarmAddr()] } }))
    nodes.push(...followers)
    await pool(followers, 4, n => n.connect(author.swarmAddr()))

    const mid = (await author.json('mimei/create')).MID as string
    await addVersion(author, mid, 'version 1\n')
    await author.api('mimei/publish', [mid])
    await pool(followers, 4, n => n.api('mimei/provide', [mid]))
    const t0 = performance.now()
    for (const f of followers) {
      if (await waitVersion(f, mid, 1, t0) == null) throw new Error(`a provider did not get version 1 within ${DEADLINE_MS} ms of provide`)
    }
    await Bun.sleep(2000) // let gossipsub form its mesh (1 s heartbeats)

    // The floor under every sample: one loopback API round trip to a provider.
    const rtt: number[] = []
    for (let i = 0; i < 20; i++) {
      const t = performance.now()
      await lastVersion(followers[0]!, mid)
      rtt.push(performance.now() - t)
    }

    const all: number[] = []
    const each: number[] = []
    const call: number[] = []
    let missed = 0
    for (let i = 0; i < publishes; i++) {
      const ver = await addVersion(author, mid, `version ${i + 2} ${crypto.randomUUID()}\n`)
      const start = performance.now()
      const publish = author.api('mimei/publish', [mid]).then(() => call.push(performance.now() - start))
      const times = await Promise.all(followers.map(f => waitVersion(f, mid, ver, start)))
      await publish
      if (times.some(t => t == null)) missed++
      else all.push(Math.max(...(times as number[])))
      for (const t of times) if (t != null) each.push(t)
    }
    return { providers, all: summarize(all), each: summarize(each), publishCall: summarize(call), missed, apiRoundTrip: median(rtt) }
  } finally {
    await stopAll(nodes)
  }
}

main(async () => {
  const opts = benchOptions()
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined }
  const publishes = Number(arg('--publishes') ?? (opts.smoke ? 1 : 50))
  const sizes = (arg('--providers') ?? (opts.smoke ? '1' : '3,10')).split(',').map(Number)
  const report = new Report('replication', opts, `replication: publish → every provider has the version, ms over ${publishes} publishes`)
  const binary = await leitherBinary()
  report.machine.leither = leitherVersion(binary)

  const results: SwarmResult[] = []
  for (const n of sizes) results.push(await measure(binary, n, publishes))
  for (const r of results) {
    const floor = { name: 'API round trip', value: r.apiRoundTrip }
    const judged = r.providers === 10
    report.add({ name: `${r.providers} providers, median`, unit: 'ms', value: r.all.median, reference: floor, better: 'lower', target: judged ? '< 200 ms' : undefined, met: judged ? r.all.median < 200 && r.missed === 0 : undefined })
    report.add({ name: `${r.providers} providers, p95`, unit: 'ms', value: r.all.p95, reference: floor, better: 'lower' })
    report.note(`${r.providers} providers: all have it: median ${r.all.median.toFixed(0)} / p95 ${r.all.p95.toFixed(0)} / max ${r.all.max.toFixed(0)} ms; one provider: median ${r.each.median.toFixed(0)} ms; the publish call itself: median ${r.publishCall.median.toFixed(0)} ms; missed the ${DEADLINE_MS / 1000} s deadline: ${r.missed}`)
  }
  report.note(`reference = one loopback HTTP API round trip to a provider (the floor of the ${POLL_MS} ms polling); there is no other tool that replicates a MiMei`)
  report.note('each swarm: an author and N providers bootstrapped to it, all on 127.0.0.1, compiled binary; a new version (small file) is added before each publish, outside the timing')
  report.data = { results, pollMs: POLL_MS }
  console.log(`wrote ${report.finish()}`)
})
