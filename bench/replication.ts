/**
 * replication: how long after `mimei publish` every provider holds the new
 * version. An author and N providers (bootstrapped to the author) on
 * loopback. Each provider's `mimei/versions` is polled (every 50 ms) until it
 * lists the version; the time is the version's `Stored` stamp on that
 * provider (when it recorded the version, after all its data was pinned)
 * minus the wall-clock time the publish call was made — all processes share
 * one clock, and the measurement does not depend on how often it polls.
 * Median and p95 over 50 publishes, with 3 and with 10 providers (a fresh
 * swarm for each).
 *
 *   bun bench/replication.ts [--smoke] [--out DIR] [--publishes 50] [--providers 3,10]
 */
import { leitherBinary, pool, startNode, stopAll, type BenchNode } from './lib/leither.ts'
import { Report, benchOptions, leitherVersion, main } from './lib/report.ts'
import { median, summarize, type Summary } from './lib/stats.ts'

const POLL_MS = 50
const DEADLINE_MS = 15_000

async function lastVersion(node: BenchNode, mid: string): Promise<number> {
  const res = await fetch(`${node.apiUrl}/api/v0/mimei/versions?arg=${mid}`, { method: 'POST' })
  return res.status === 200 ? ((await res.json()) as any).Last ?? 0 : 0
}

/** When node stored version ver (unix ms), once it has it. */
async function storedAt(node: BenchNode, mid: string, ver: number): Promise<number | undefined> {
  const res = await fetch(`${node.apiUrl}/api/v0/mimei/versions?arg=${mid}`, { method: 'POST' })
  if (res.status !== 200) return undefined
  const v = ((await res.json()) as any).Versions?.find((x: any) => x.Ver === ver)
  return v?.Stored == null ? undefined : Date.parse(v.Stored)
}

/** Polls until node holds version ver; ms from wall-clock t0 to when it stored it, or null after the deadline. */
async function waitVersion(node: BenchNode, mid: string, ver: number, t0: number, wall0: number): Promise<number | null> {
  while (performance.now() - t0 < DEADLINE_MS) {
    const at = await storedAt(node, mid, ver)
    if (at != null) return Math.max(0, at - wall0)
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
      if (await waitVersion(f, mid, 1, t0, Date.now()) == null) throw new Error(`a provider did not get version 1 within ${DEADLINE_MS} ms of provide`)
    }
    await Bun.sleep(2000) // let gossipsub form its mesh (1 s heartbeats)

    // A scale for the numbers: one loopback API round trip to a provider.
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
      const wall = Date.now()
      const publish = author.api('mimei/publish', [mid]).then(() => call.push(performance.now() - start))
      const times = await Promise.all(followers.map(f => waitVersion(f, mid, ver, start, wall)))
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
  report.note(`reference = one loopback HTTP API round trip to a provider, for scale; the times are each provider's own Stored stamp of the version minus the publish call's start (polling every ${POLL_MS} ms only finds them); there is no other tool that replicates a MiMei`)
  report.note('each swarm: an author and N providers bootstrapped to it, all on 127.0.0.1, compiled binary; a new version (small file) is added before each publish, outside the timing')
  report.data = { results, pollMs: POLL_MS }
  console.log(`wrote ${report.finish()}`)
})
