/**
 * footprint: what a node costs the machine (compiled binary).
 *   start-up   spawn → first HTTP answer on its port (GET /, polled every
 *              5 ms), on a fresh root (key and databases created) and on a
 *              restart; against `Leither version` (the runtime's own start).
 *   idle RSS   a fresh node after 30 s of idling, and again 30 s after 10k
 *              blocks (`block put`, 1 KiB each) and 1k `mimei create`;
 *              against an idle bare Bun runtime.
 *   sizes      dist/Leither (raw and gzip -6) and the Node bundle
 *              (`bun release/build.ts --node` → dist/node/); against the Bun
 *              runtime the binary embeds.
 *
 *   bun bench/footprint.ts [--smoke] [--out DIR]
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { BUN, REPO, freePort, leitherBinary, pool, removeDir, scratchDir, spawnNode, startNode, type BenchNode } from './lib/leither.ts'
import { run, runOk, spawnTracked, stopTracked } from './lib/procs.ts'
import { Report, benchOptions, leitherVersion, main } from './lib/report.ts'
import { median } from './lib/stats.ts'

const MB = 1e6

/** Spawns a node on a known port and polls GET / every 5 ms: ms to the first answer. */
async function startUp(binary: string, root: string, command?: string[]): Promise<number> {
  const port = await freePort()
  const t0 = performance.now()
  const node = command == null
    ? await spawnNode({ binary, root, port })
    : await spawnNode({ binary: command.at(-1)!, prefix: command.slice(0, -1), root, port })
  try {
    while (performance.now() - t0 < 30_000) {
      try {
        await fetch(`http://127.0.0.1:${port}/`)
        return performance.now() - t0
      } catch { /* not listening yet */ }
      if (node.child.exitCode != null) throw new Error(`node exited with ${node.child.exitCode}:\n${node.output()}`)
      await Bun.sleep(5)
    }
    throw new Error(`no HTTP answer on port ${port} within 30 s:\n${node.output()}`)
  } finally {
    await node.waitReady(30_000).catch(() => {}) // stop it only once it has written its run files
    await node.stop()
  }
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, name) => {
    const st = statSync(join(dir, name))
    return n + (st.isDirectory() ? dirBytes(join(dir, name)) : st.size)
  }, 0)
}

/** RSS of an idle bare Bun runtime (the engine the binary embeds), in MB. */
async function bareRuntimeRss(): Promise<number> {
  const child = spawnTracked(BUN, ['-e', 'setInterval(() => {}, 1000)'])
  await Bun.sleep(2000)
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
  await stopTracked(child, 2000)
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)![1]) / 1024
}

main(async () => {
  const opts = benchOptions()
  const idleSeconds = opts.smoke ? 1 : 30
  const blocks = opts.smoke ? 10 : 10_000
  const mimeis = opts.smoke ? 2 : 1000
  const runs = opts.smoke ? 1 : 5
  const report = new Report('footprint', opts, 'footprint: start-up, idle memory and sizes of the compiled binary')
  const binary = await leitherBinary()
  report.machine.leither = leitherVersion(binary)
  const work = await scratchDir('footprint')
  let node: BenchNode | undefined
  try {
    // Start-up: the runtime alone, then fresh roots, then restarts of one root.
    const bare: number[] = []
    for (let i = 0; i < runs; i++) bare.push((await runOk(binary, ['version'])).ms)
    const fresh: number[] = []
    for (let i = 0; i < runs; i++) fresh.push(await startUp(binary, join(work, `fresh-${i}`)))
    const again: number[] = []
    for (let i = 0; i < runs; i++) again.push(await startUp(binary, join(work, 'fresh-0')))
    const floor = { name: '`Leither version`', value: median(bare) }
    report.add({ name: 'start-up to first HTTP answer, fresh root', unit: 'ms', value: median(fresh), reference: floor, better: 'lower', target: '< 300 ms', met: median(fresh) < 300 })
    report.add({ name: 'start-up to first HTTP answer, restart', unit: 'ms', value: median(again), reference: floor, better: 'lower', target: '< 300 ms', met: median(again) < 300 })
    if (!opts.smoke) {
      try {
        const source = await startUp(binary, join(work, 'source'), [BUN, join(REPO, 'src/main.ts')])
        report.note(`start-up from source (bun src/main.ts, not compiled), one run: ${source.toFixed(0)} ms`)
      } catch (err: any) {
        report.note(`start-up from source (bun src/main.ts) failed, so not measured: ${String(err?.message ?? err).split('\n').slice(0, 2).join(' ')}`)
      }
    }

    // Idle memory of a fresh node, then the same node holding data.
    const bareRss = await bareRuntimeRss()
    node = await startNode({ binary, root: join(work, 'idle') })
    const cpu0 = await node.cpuSeconds()
    await Bun.sleep(idleSeconds * 1000)
    const idle = await node.memory()
    const idleCpu = (await node.cpuSeconds() - cpu0) / idleSeconds * 100
    const runtime = { name: 'bare Bun runtime', value: bareRss }
    report.add({ name: `idle RSS after ${idleSeconds} s`, unit: 'MB', value: idle.rssMB, reference: runtime, better: 'lower', target: '< 80 MB', met: idle.rssMB < 80 })

    const t0 = performance.now()
    await pool(Array.from({ length: blocks }), 8, async () => {
      const form = new FormData()
      form.append('file', new Blob([randomBytes(1024)]), 'block')
      await node!.api('block/put', [], {}, { body: form })
    })
    const blockMs = performance.now() - t0
    const t1 = performance.now()
    await pool(Array.from({ length: mimeis }), 8, () => node!.api('mimei/create'))
    const mimeiMs = performance.now() - t1
    // Idle again, measured like the fresh node: the same wait after the last call.
    await Bun.sleep(idleSeconds * 1000)
    const loaded = await node.memory()
    report.add({ name: `idle RSS after ${blocks} blocks + ${mimeis} MiMei`, unit: 'MB', value: loaded.rssMB, reference: runtime, better: 'lower', target: '< 80 MB', met: loaded.rssMB < 80 })
    await node.stop()
    node = undefined

    // Sizes.
    const binBytes = statSync(binary).size
    const runtimeBytes = statSync(BUN).size
    report.add({ name: 'dist/Leither size', unit: 'MB', value: binBytes / MB, reference: { name: 'Bun runtime', value: runtimeBytes / MB }, better: 'lower' })
    if (!opts.smoke) {
      report.add({ name: 'dist/Leither size, gzip -6', unit: 'MB', value: gzipSync(readFileSync(binary), { level: 6 }).length / MB })
      const built = await run(BUN, [join(REPO, 'release/build.ts'), '--node'], { cwd: REPO, timeoutMs: 300_000 })
      if (built.code !== 0) report.note(`the Node bundle did not build, so its size is not measured: ${(built.stdout + built.stderr).trim().split('\n').slice(-2).join(' ')}`)
      report.add({ name: 'Node bundle size (dist/node/)', unit: 'MB', value: built.code === 0 ? dirBytes(join(REPO, 'dist/node')) / MB : null })
    }

    report.note(`idle RSS ${idle.rssMB.toFixed(1)} MB = ${idle.anonMB.toFixed(1)} MB anonymous (heaps) + ${idle.fileMB.toFixed(1)} MB file-backed (pages of the ${(binBytes / MB).toFixed(0)} MB binary, shared between nodes and reclaimable); peak ${idle.hwmMB.toFixed(1)} MB; CPU while idle ${idleCpu.toFixed(2)}% of one core`)
    report.note(`after the data: ${loaded.anonMB.toFixed(1)} MB anonymous + ${loaded.fileMB.toFixed(1)} MB file-backed, peak ${loaded.hwmMB.toFixed(1)} MB; ${blocks} block puts took ${(blockMs / 1000).toFixed(1)} s (${(blocks / blockMs * 1000).toFixed(0)}/s, 8 in flight), ${mimeis} mimei create ${(mimeiMs / 1000).toFixed(1)} s`)
    report.note(`start-up samples (ms): fresh ${fresh.map(Math.round).join(', ')}; restart ${again.map(Math.round).join(', ')}; \`Leither version\` ${bare.map(Math.round).join(', ')}`)
    report.kubo.push('kubo documents its system requirements as "6 GiB of memory" and "2 CPU cores" (docs.ipfs.tech/install/command-line/#system-requirements); a requirement, not a measured RSS')
    report.data = { startupMs: { fresh, restart: again, version: bare }, idle, loaded, idleCpuPercent: idleCpu, blockPutMs: blockMs, mimeiCreateMs: mimeiMs }
    console.log(`wrote ${report.finish()}`)
  } finally {
    await node?.stop()
    await removeDir(work)
  }
})
