/**
 * dht: lookup latency in swarms of 10, 30 and 50 nodes on loopback, one
 * process per node (compiled binary). The swarm grows in place (10 → 30 → 50):
 * each new node bootstraps to its predecessor and one random earlier node (a
 * sparse random graph), then the swarm settles before it is measured.
 *
 *   findprovs  a random node provides a fresh block (`dht provide`, waited
 *              for); another random node looks it up: time to the first
 *              provider (num-providers=1), as the client sees it.
 *   findpeer   a random node looks up another one that is not in its peer
 *              store when such a pair exists (otherwise the answer is local:
 *              counted and reported).
 *   query      `dht query <peer>`: the full Kademlia walk to a peer's key,
 *              what findpeer costs when nothing is cached.
 *
 *   bun bench/dht.ts [--smoke] [--out DIR]
 */
import { randomBytes } from 'node:crypto'
import { leitherBinary, pool, startNode, stopAll, type BenchNode } from './lib/leither.ts'
import { Report, benchOptions, leitherVersion, main } from './lib/report.ts'
import { median, summarize, type Summary } from './lib/stats.ts'

const TIMEOUT_S = 10

interface Member {
  node: BenchNode
  id: string
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!

async function grow(binary: string, swarm: Member[], to: number): Promise<void> {
  const from = swarm.length
  if (swarm.length === 0) {
    const node = await startNode({ binary })
    swarm.push({ node, id: (await node.json('swarm/id')).ID as string })
  }
  // Started a few at a time; each bootstraps to nodes that are already running.
  while (swarm.length < to) {
    const known = [...swarm]
    const started = await Promise.all(Array.from({ length: Math.min(4, to - swarm.length) }, async () => {
      const bootstrap = [...new Set([known.at(-1)!, pick(known)])].map(m => m.node.swarmAddr())
      const node = await startNode({ binary, config: { Bootstrap: bootstrap } })
      return { node, id: (await node.json('swarm/id')).ID as string }
    }))
    swarm.push(...started)
  }
  // Every new node is connected to the swarm before it is measured. The bootstrap
  // dial happens once at start; a node it left alone dials its bootstrap by hand.
  for (const m of swarm.slice(from)) {
    const deadline = performance.now() + 30_000
    let nudged = false
    while ((await m.node.json('swarm/peers')).Peers.length === 0) {
      if (performance.now() > deadline) throw new Error(`node ${swarm.indexOf(m)} found no peer within 30 s:\n${m.node.output()}`)
      if (!nudged && performance.now() > deadline - 25_000 && swarm.indexOf(m) > 0) {
        nudged = true
        await m.node.connect(swarm[swarm.indexOf(m) - 1]!.node.swarmAddr())
      }
      await Bun.sleep(100)
    }
  }
}

interface Lookup {
  ms: number
  nodeMs?: number
  failed?: boolean
}

/** Runs one lookup and times it as the client sees it. */
async function timed(node: BenchNode, path: string, arg: string, query: Record<string, string> = {}): Promise<{ ms: number, body: string }> {
  const url = new URL(`${node.apiUrl}/api/v0/${path}`)
  url.searchParams.set('arg', arg)
  url.searchParams.set('timeout', String(TIMEOUT_S))
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  const t0 = performance.now()
  const res = await fetch(url, { method: 'POST' })
  const body = await res.text()
  const ms = performance.now() - t0
  if (res.status !== 200) throw new Error(`${path} ${arg}: HTTP ${res.status} ${body}`)
  return { ms, body }
}

interface SizeResult {
  nodes: number
  findprovs: Summary
  findpeer: Summary
  findpeerLocal: number
  query: Summary
  /** Failed lookups of each kind (counted in the summaries at the time limit). */
  failed: { findprovs: number, findpeer: number, query: number, provide: number }
  failures: string[]
  apiRoundTrip: number
}

async function measureSwarm(swarm: Member[], queries: number): Promise<SizeResult> {
  const failures: string[] = []

  // findprovs: fresh blocks, provided and waited for, then looked up from elsewhere.
  const provided = (await pool(Array.from({ length: queries }), 4, async () => {
    const provider = pick(swarm)
    const form = new FormData()
    form.append('file', new Blob([randomBytes(64)]), 'block')
    const cid = (await (await provider.node.api('block/put', [], {}, { body: form })).json() as any).Key as string
    try {
      await provider.node.api('dht/provide', [cid], { timeout: '30' })
      return { provider, cid }
    } catch (err: any) {
      failures.push(`provide: ${err.message}`)
      return undefined
    }
  })).filter(p => p != null)
  // A failed lookup counts as the lookup's time limit: for a median it is slower than any success.
  const failed = (kind: string, why: string): Lookup => {
    failures.push(`${kind}: ${why}`)
    return { ms: TIMEOUT_S * 1000, failed: true }
  }
  const findprovs: Lookup[] = []
  for (const { provider, cid } of provided) {
    const querier = pick(swarm.filter(m => m !== provider))
    try {
      const { ms, body } = await timed(querier.node, 'dht/findprovs', cid, { 'num-providers': '1' })
      const first = body.trim() === '' ? undefined : body.trim().split('\n').map(l => JSON.parse(l)).find(l => l.ID != null)
      findprovs.push(first?.ID === provider.id ? { ms, nodeMs: first.Ms } : failed('findprovs', `found ${first?.ID ?? 'nobody'}, not the provider`))
    } catch (err: any) {
      findprovs.push(failed('findprovs', err.message))
    }
  }

  // findpeer: prefer pairs where the target is not in the querier's peer store.
  const findpeer: Lookup[] = []
  let local = 0
  const query: Lookup[] = []
  for (let i = 0; i < queries; i++) {
    const querier = pick(swarm)
    const known = new Set(Object.keys((await querier.node.json('swarm/addrs')).Addrs))
    const others = swarm.filter(m => m !== querier)
    const unknown = others.filter(m => !known.has(m.id))
    const target = pick(unknown.length > 0 ? unknown : others)
    if (unknown.length === 0) local++
    try {
      const { ms, body } = await timed(querier.node, 'dht/findpeer', target.id)
      findpeer.push({ ms, nodeMs: JSON.parse(body).Ms })
    } catch (err: any) {
      findpeer.push(failed('findpeer', err.message))
    }
    const walker = pick(swarm)
    try {
      const { ms } = await timed(walker.node, 'dht/query', pick(swarm.filter(m => m !== walker)).id)
      query.push({ ms })
    } catch (err: any) {
      query.push(failed('query', err.message))
    }
  }

  const rtt: number[] = []
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now()
    await swarm[0]!.node.api('version')
    rtt.push(performance.now() - t0)
  }
  return {
    nodes: swarm.length,
    findprovs: summarize(findprovs.map(l => l.ms)),
    findpeer: summarize(findpeer.map(l => l.ms)),
    findpeerLocal: local,
    query: summarize(query.map(l => l.ms)),
    failed: {
      findprovs: findprovs.filter(l => l.failed).length,
      findpeer: findpeer.filter(l => l.failed).length,
      query: query.filter(l => l.failed).length,
      provide: queries - provided.length,
    },
    failures,
    apiRoundTrip: median(rtt),
  }
}

main(async () => {
  const opts = benchOptions()
  const sizes = opts.smoke ? [3] : [10, 30, 50]
  const queries = opts.smoke ? 1 : 24
  const settleMs = opts.smoke ? 500 : 5000
  const report = new Report('dht', opts, `dht: lookup latency on loopback, ms (${queries} lookups of each kind per size)`)
  const binary = await leitherBinary()
  report.machine.leither = leitherVersion(binary)

  const swarm: Member[] = []
  const results: SizeResult[] = []
  const growth: Record<number, number> = {}
  /** CPU the whole swarm burns in the settle period right after it grew, in % of one core. */
  const idleCpu: Record<number, number> = {}
  let quietCpu = Number.NaN
  try {
    for (const size of sizes) {
      const t0 = performance.now()
      await grow(binary, swarm, size)
      growth[size] = Math.round(performance.now() - t0)
      console.error(`dht: ${size} nodes up in ${growth[size]} ms; measuring`)
      const cpu0 = await Promise.all(swarm.map(m => m.node.cpuSeconds()))
      const s0 = performance.now()
      await Bun.sleep(settleMs)
      const cpu1 = await Promise.all(swarm.map(m => m.node.cpuSeconds()))
      idleCpu[size] = Math.round(cpu1.reduce((n, c, i) => n + c - cpu0[i]!, 0) / ((performance.now() - s0) / 1000) * 100)
      results.push(await measureSwarm(swarm, queries))
    }
    // The swarm left alone after all lookups: what N idle nodes cost the machine.
    const c0 = await Promise.all(swarm.map(m => m.node.cpuSeconds()))
    const t0 = performance.now()
    await Bun.sleep(settleMs)
    const c1 = await Promise.all(swarm.map(m => m.node.cpuSeconds()))
    quietCpu = Math.round(c1.reduce((n, c, i) => n + c - c0[i]!, 0) / ((performance.now() - t0) / 1000) * 100)
    const rss = await Promise.all(swarm.map(m => m.node.memory()))
    report.note(`RSS per node at ${swarm.length} nodes: median ${median(rss.map(m => m.rssMB)).toFixed(0)} MB (anonymous ${median(rss.map(m => m.anonMB)).toFixed(0)} MB; the rest is the shared, file-backed binary)`)
  } finally {
    await stopAll(swarm.map(m => m.node))
  }

  for (const r of results) {
    const floor = { name: 'API round trip', value: r.apiRoundTrip }
    const judged = r.nodes === 50
    report.add({ name: `${r.nodes} nodes: findprovs median`, unit: 'ms', value: r.findprovs.median, reference: floor, better: 'lower', target: judged ? '< 500 ms' : undefined, met: judged ? r.findprovs.median < 500 : undefined })
    report.add({ name: `${r.nodes} nodes: findpeer median`, unit: 'ms', value: r.findpeer.median, reference: floor, better: 'lower', target: judged ? '< 500 ms' : undefined, met: judged ? r.findpeer.median < 500 : undefined })
    report.add({ name: `${r.nodes} nodes: query (full walk) median`, unit: 'ms', value: r.query.median, reference: floor, better: 'lower' })
    const f = r.failed
    report.note(`${r.nodes} nodes: findprovs p95 ${r.findprovs.p95.toFixed(0)} ms (n=${r.findprovs.n}, ${f.findprovs} failed, ${f.provide} provides failed); findpeer p95 ${r.findpeer.p95.toFixed(0)} ms (n=${r.findpeer.n}, ${f.findpeer} failed; ${r.findpeerLocal} with no unknown target left, i.e. answered from the peer store); query p95 ${r.query.p95.toFixed(0)} ms (${f.query} failed)${r.failures.length > 0 ? `; first failures: ${r.failures.slice(0, 3).join('; ')}` : ''}`)
  }
  report.note(`one process per node (no sharing); the swarm grew in place ${sizes.join(' → ')} (start-up ms per step: ${Object.entries(growth).map(([n, ms]) => `${n}: ${ms}`).join(', ')}), then settled ${settleMs / 1000} s`)
  report.note(`CPU the swarm used (all nodes, % of one core; this machine has ${report.machine.nproc} cores) in the ${settleMs / 1000} s right after it grew: ${Object.entries(idleCpu).map(([n, pc]) => `${n} nodes: ${pc}%`).join(', ')}; left idle after the lookups, ${swarm.length} nodes: ${quietCpu}%`)
  report.note(`reference = one loopback HTTP API round trip (the floor under every lookup as the client times it); a failed lookup counts as ${TIMEOUT_S} s (its time limit) in medians and p95`)
  report.data = { results, growthMs: growth, settleCpuPercent: idleCpu, idleCpuPercent: quietCpu }
  console.log(`wrote ${report.finish()}`)
})
