/**
 * What every bench script shares: its options (--smoke, --out), the machine
 * it ran on, and its report: a table with absolute numbers, the reference
 * measured in the same run, their ratio and the target, printed and written
 * to bench/results/<area>.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, totalmem, release } from 'node:os'
import { join, resolve } from 'node:path'
import { spawnSync } from 'node:child_process'

const REPO = resolve(import.meta.dir, '../..')

export interface BenchOptions {
  /** One tiny iteration of everything, to keep the script working (CI). */
  smoke: boolean
  /** Folder for <area>.json. */
  out: string
}

export function benchOptions(argv = process.argv.slice(2)): BenchOptions {
  const smoke = argv.includes('--smoke')
  const outAt = argv.indexOf('--out')
  const out = outAt >= 0 && argv[outAt + 1] != null
    ? resolve(argv[outAt + 1]!)
    : process.env.BENCH_RESULTS != null && process.env.BENCH_RESULTS !== ''
      ? resolve(process.env.BENCH_RESULTS)
      : join(REPO, 'bench/results', smoke ? 'smoke' : '')
  return { smoke, out }
}

export interface Machine {
  cpu: string
  nproc: number
  memGiB: number
  kernel: string
  bun: string
  leither?: string
}

export function machine(): Machine {
  let cpu = 'unknown'
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu
  } catch { /* not Linux */ }
  return { cpu, nproc: availableParallelism(), memGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10, kernel: release(), bun: Bun.version }
}

/** `<binary> version`, first line. */
export function leitherVersion(binary: string): string {
  const r = spawnSync(binary, ['version'], { encoding: 'utf8', timeout: 30_000 })
  return (r.stdout ?? '').trim().split('\n')[0] ?? ''
}

/** Which way is better for a metric: ratios are always "Leither relative to the reference". */
export type Better = 'higher' | 'lower'

export interface Row {
  /** What was measured, e.g. "ipfs add 256 MiB, CIDv1 raw (CLI end to end)". */
  name: string
  unit: string
  value: number | null
  /** The reference measured in the same run, e.g. sha256sum. */
  reference?: { name: string, value: number | null }
  better?: Better
  /** Human text of the target, e.g. "≥ 0.5× sha256sum" or "< 200 ms". */
  target?: string
  /** Whether the target is met; null = not judged (smoke run, missing tool). */
  met?: boolean | null
  extra?: Record<string, unknown>
}

const fmt = (v: number | null | undefined, digits?: number): string => {
  if (v == null || Number.isNaN(v)) return 'n/a'
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2)
  return v.toFixed(d)
}

export function ratioOf(row: Row): number | null {
  const ref = row.reference?.value
  if (row.value == null || ref == null || Number.isNaN(ref) || ref === 0 || Number.isNaN(row.value)) return null
  return row.value / ref
}

export class Report {
  readonly rows: Row[] = []
  readonly notes: string[] = []
  /** kubo's own published figures, with their source; only ones that really exist. */
  readonly kubo: string[] = []
  readonly started = performance.now()
  readonly machine = machine()
  /** 1-minute load average when the bench started: a busy machine skews every figure. */
  readonly loadAtStart = loadavg()[0]!
  data: Record<string, unknown> = {}

  constructor(readonly area: string, readonly options: BenchOptions, readonly title: string) {}

  add(row: Row): void {
    if (this.options.smoke) row.met = null
    this.rows.push(row)
  }

  note(text: string): void {
    this.notes.push(text)
  }

  table(): string {
    const head = ['measurement', 'Leither', 'reference', 'ratio', 'target', 'met']
    const body = this.rows.map(r => {
      const ratio = ratioOf(r)
      return [
        r.name,
        `${fmt(r.value)} ${r.unit}`,
        r.reference == null ? '—' : `${r.reference.name}: ${fmt(r.reference.value)} ${r.unit}`,
        ratio == null ? '—' : `${fmt(ratio, 2)}×`,
        r.target ?? '—',
        r.met == null ? '—' : r.met ? 'yes' : 'NO',
      ]
    })
    const widths = head.map((h, i) => Math.max(h.length, ...body.map(b => b[i]!.length)))
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
    return [line(head), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n')
  }

  /** Prints the table and notes, writes <out>/<area>.json; returns the path. */
  finish(): string {
    const seconds = (performance.now() - this.started) / 1000
    const m = this.machine
    console.log(`\n## ${this.title}${this.options.smoke ? ' (smoke: one tiny iteration, not a measurement)' : ''}`)
    console.log(`machine: ${m.cpu}, ${m.nproc} cores, ${m.memGiB} GiB, Linux ${m.kernel}, Bun ${m.bun}${m.leither != null ? `, ${m.leither}` : ''}`)
    console.log(this.table())
    for (const n of this.notes) console.log(`- ${n}`)
    for (const k of this.kubo) console.log(`- kubo (published): ${k}`)
    const loadAtEnd = loadavg()[0]!
    console.log(`(${seconds.toFixed(1)} s; 1-min load average ${this.loadAtStart.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end, this bench's own processes included)`)
    mkdirSync(this.options.out, { recursive: true })
    const file = join(this.options.out, `${this.area}.json`)
    const rows = this.rows.map(r => ({ ...r, ratio: ratioOf(r) }))
    writeFileSync(file, JSON.stringify({
      area: this.area,
      title: this.title,
      smoke: this.options.smoke,
      date: new Date().toISOString(),
      seconds: Math.round(seconds * 10) / 10,
      machine: m,
      loadAverage: { start: this.loadAtStart, end: loadAtEnd },
      rows,
      notes: this.notes,
      kubo: this.kubo,
      data: this.data,
    }, null, 2) + '\n')
    return file
  }
}

/** Runs a bench's main function: a failure prints the error and exits 1 (children are stopped by procs.ts). */
export function main(fn: () => Promise<void>): void {
  fn().then(() => process.exit(0), err => {
    console.error(`bench failed: ${err?.stack ?? err}`)
    process.exit(1)
  })
}
