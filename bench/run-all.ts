/**
 * Runs every benchmark one after the other (they must not share the CPU),
 * then prints one summary of all targets from bench/results/<area>.json.
 *
 *   bun bench/run-all.ts [area ...] [--smoke] [--out DIR]
 *
 * Areas: add gateway replication dht footprint, and resp when bench/resp/run.ts
 * exists. Exit code 1 if any script failed; a missed target is a result, not a failure.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { benchOptions } from './lib/report.ts'

const BENCH = import.meta.dir
const AREAS: Array<{ area: string, script: string }> = [
  { area: 'add', script: 'add.ts' },
  { area: 'gateway', script: 'gateway.ts' },
  { area: 'resp', script: 'resp/run.ts' },
  { area: 'replication', script: 'replication.ts' },
  { area: 'dht', script: 'dht.ts' },
  { area: 'footprint', script: 'footprint.ts' },
]

const argv = process.argv.slice(2)
const opts = benchOptions(argv)
const passArgs = argv.filter((a, i) => a.startsWith('--') || argv[i - 1] === '--out')
const wanted = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--out')
const unknown = wanted.filter(w => !AREAS.some(a => a.area === w))
if (unknown.length > 0) {
  console.error(`unknown area(s): ${unknown.join(', ')}; choose from ${AREAS.map(a => a.area).join(', ')}`)
  process.exit(2)
}
const selected = AREAS.filter(a => (wanted.length === 0 || wanted.includes(a.area)) && existsSync(join(BENCH, a.script)))

// Every area measures the compiled binary (the test harness that bench/resp uses reads LEITHER_BIN too).
const DIST_BINARY = resolve(BENCH, '../dist/Leither')
const env: Record<string, string | undefined> = { ...process.env, BENCH_RESULTS: opts.out }
if ((env.LEITHER_BIN ?? '') === '' && existsSync(DIST_BINARY)) env.LEITHER_BIN = DIST_BINARY

function runScript(script: string): Promise<number> {
  return new Promise(res => {
    const child = spawn(process.execPath, [join(BENCH, script), ...passArgs], { stdio: 'inherit', env })
    child.on('exit', (code, signal) => res(code ?? (signal != null ? 128 : 1)))
  })
}

const t0 = performance.now()
const outcome: Array<{ area: string, code: number, seconds: number }> = []
for (const { area, script } of selected) {
  console.log(`\n=== ${area} (bench/${script}${passArgs.length > 0 ? ' ' + passArgs.join(' ') : ''}) ===`)
  const started = performance.now()
  const code = await runScript(script)
  outcome.push({ area, code, seconds: (performance.now() - started) / 1000 })
}

console.log(`\n=== summary${opts.smoke ? ' (smoke)' : ''}: ${((performance.now() - t0) / 1000).toFixed(0)} s, results in ${resolve(opts.out)} ===`)
for (const { area, code, seconds } of outcome) {
  const file = join(opts.out, `${area}.json`)
  const status = code === 0 ? 'ok' : `FAILED (exit ${code})`
  console.log(`${area}: ${status}, ${seconds.toFixed(0)} s`)
  if (code !== 0 || !existsSync(file)) continue
  const result = JSON.parse(readFileSync(file, 'utf8'))
  if (area === 'resp') {
    // bench/resp keeps its own format: {test, pipeline, redis, leither, ratio} rows and {plain, pipelined} targets.
    for (const row of result.rows ?? []) {
      const target = row.pipeline > 1 ? result.targets?.pipelined : result.targets?.plain
      const met = opts.smoke || target == null ? '—' : row.ratio >= target ? 'met' : 'MISSED'
      console.log(`  ${met.padEnd(6)} ${String(row.test).toUpperCase()} -P ${row.pipeline}: ${Number(row.leither).toFixed(0)} req/s (${Number(row.ratio).toFixed(2)}× redis-server); target ≥ ${target}× redis-server`)
    }
    continue
  }
  for (const row of result.rows ?? []) {
    if (row.target == null) continue
    const value = row.value == null ? 'n/a' : `${Number(row.value).toFixed(row.value >= 100 ? 0 : 2)} ${row.unit}`
    const ratio = row.ratio != null && row.reference != null ? ` (${Number(row.ratio).toFixed(2)}× ${row.reference.name})` : ''
    const met = row.met == null ? '—' : row.met ? 'met' : 'MISSED'
    console.log(`  ${met.padEnd(6)} ${row.name}: ${value}${ratio}; target ${row.target}`)
  }
}
process.exit(outcome.some(o => o.code !== 0) ? 1 : 0)
