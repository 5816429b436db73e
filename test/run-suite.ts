/**
 * Runs the whole suite with `bun test`, shows bun's normal console output, recaps the
 * failures, and ends with exactly one summary line counted from bun's JUnit report:
 *
 *   N passed, N failed[, N skipped]
 *
 * Exit code: 0 only if bun exited 0, no test failed and at least one test ran.
 * bun's JUnit report leaves out errors thrown outside a test (a test file that fails to
 * load, an unhandled error between tests), so bun's own "N fail" count and its exit code
 * are cross-checked: such errors count as failures.
 *
 *   bun test/run-suite.ts [paths and bun test options...]   (default paths: ./src ./test ./release)
 *
 * env: TEST_RESULTS  folder for junit.xml (default test-results/, git-ignored)
 *      SUITE_TIMEOUT whole-suite limit in seconds (default 1200); each test is bounded by
 *                    --timeout (TEST_TIMEOUT_MS, default 60 s)
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const REPO = resolve(import.meta.dir, '..')
const DEFAULT_PATHS = ['./src', './test', './release']

export interface TestCase {
  file: string
  suite: string
  name: string
  status: 'passed' | 'failed' | 'skipped'
  message: string
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function unescapeXml (s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16))
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10))
    return ENTITIES[e] ?? m
  })
}

function attrs (s: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of s.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]!] = unescapeXml(m[2]!)
  return out
}

/** The testcase elements of a bun JUnit report (test suites nest, test cases do not). */
export function parseJunit (xml: string): TestCase[] {
  const cases: TestCase[] = []
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const a = attrs(m[1]!)
    const body = m[2] ?? ''
    const failure = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body)
    let status: TestCase['status'] = 'passed'
    let message = ''
    if (failure != null) {
      status = 'failed'
      const fa = attrs(failure[2]!)
      message = unescapeXml(failure[3] ?? '').trim() || [fa.type, fa.message].filter(Boolean).join(': ')
    } else if (/<skipped\b/.test(body)) {
      status = 'skipped'
    }
    cases.push({ file: a.file ?? '', suite: a.classname ?? '', name: a.name ?? '', status, message })
  }
  return cases
}

/** bun's own closing counts (" 12 pass", " 1 fail", ...), from its console output. */
export function parseBunCounts (output: string): Partial<Record<'pass' | 'fail' | 'skip' | 'todo' | 'error', number>> {
  const counts: Partial<Record<'pass' | 'fail' | 'skip' | 'todo' | 'error', number>> = {}
  for (const m of output.matchAll(/^\s*(\d+) (pass|fail|skip|todo|error)s?\s*$/gm)) counts[m[2] as 'pass'] = Number(m[1])
  return counts
}

/** The first line of each "Unhandled error between tests" block that bun printed. */
function unhandledErrors (output: string): string[] {
  const out: string[] = []
  for (const m of output.matchAll(/# Unhandled error between tests\n-+\n([\s\S]*?)\n-+\n/g)) {
    const line = m[1]!.split('\n').find(l => /^\s*(error|\w*Error)\b/.test(l)) ?? m[1]!.split('\n')[0] ?? ''
    out.push(line.trim())
  }
  return out
}

function firstLines (s: string, n: number): string {
  const lines = s.split('\n').map(l => l.trimEnd()).filter(l => l.trim() !== '')
  return lines.slice(0, n).join('\n      ') + (lines.length > n ? ' …' : '')
}

async function main (argv: string[]): Promise<number> {
  const resultsDir = resolve(REPO, process.env.TEST_RESULTS ?? 'test-results')
  const junit = join(resultsDir, 'junit.xml')
  mkdirSync(resultsDir, { recursive: true })
  rmSync(junit, { force: true })
  const args = argv.length > 0 ? argv : DEFAULT_PATHS.filter(p => existsSync(join(REPO, p)))
  const limitS = Number(process.env.SUITE_TIMEOUT ?? 1200)
  const started = performance.now()

  // Its own process group, so a timed-out suite is killed together with the nodes it spawned.
  // bunfig.toml has no per-test timeout setting: process tests start real nodes and need more than bun's 5 s default.
  const TEST_TIMEOUT_MS = process.env.TEST_TIMEOUT_MS ?? '60000'
  const child = spawn(process.execPath, ['test', '--timeout', TEST_TIMEOUT_MS, '--reporter=junit', `--reporter-outfile=${junit}`, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const killGroup = (sig: NodeJS.Signals) => { try { process.kill(-child.pid!, sig) } catch {} }
  let output = ''
  child.stdout!.on('data', (b: Buffer) => { output += b.toString(); process.stdout.write(b) })
  child.stderr!.on('data', (b: Buffer) => { output += b.toString(); process.stderr.write(b) })
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => killGroup(sig))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    process.stderr.write(`\nrun-suite: the suite ran longer than ${limitS} s (SUITE_TIMEOUT); killing it\n`)
    killGroup('SIGTERM')
    setTimeout(() => killGroup('SIGKILL'), 10_000).unref()
  }, limitS * 1000)
  const code = await new Promise<number>(res => child.on('close', (c, sig) => res(c ?? (sig != null ? 128 : 1))))
  clearTimeout(timer)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)

  const cases = existsSync(junit) ? parseJunit(readFileSync(junit, 'utf8')) : []
  const bun = parseBunCounts(output)
  const passed = cases.filter(c => c.status === 'passed').length
  const skipped = cases.filter(c => c.status === 'skipped').length
  const failedCases = cases.filter(c => c.status === 'failed')
  const notes: string[] = []
  if (!existsSync(junit)) notes.push(`bun wrote no JUnit report (${junit})`)
  if (bun.pass != null && bun.pass !== passed) notes.push(`bun counted ${bun.pass} passing, the report ${passed}`)
  // bun's fail count includes errors outside tests, which the report leaves out.
  let failed = Math.max(failedCases.length, bun.fail ?? 0)
  const outside = failed - failedCases.length
  const unhandled = unhandledErrors(output)
  if (timedOut) { failed += 1; notes.push(`the suite was killed after ${limitS} s`) }
  const total = passed + failed + skipped
  if (code !== 0 && failed === 0 && total > 0) { failed = 1; notes.push(`bun test exited with ${code} but reported no failing test`) }

  process.stdout.write(`\n---- test summary (${seconds} s, bun exit ${code}, report ${junit}) ----\n`)
  if (failedCases.length > 0) {
    process.stdout.write(`Failed tests:\n`)
    for (const c of failedCases) {
      process.stdout.write(`  ✗ ${c.file}: ${[c.suite, c.name].filter(Boolean).join(' > ')}\n`)
      if (c.message !== '') process.stdout.write(`      ${firstLines(c.message, 4)}\n`)
    }
  }
  if (outside > 0 || unhandled.length > 0) {
    process.stdout.write(`Errors outside tests (failed loads, unhandled errors between tests): ${Math.max(outside, unhandled.length)} (see the output above)\n`)
    for (const e of unhandled) process.stdout.write(`  ✗ ${e}\n`)
  }
  for (const n of notes) process.stdout.write(`note: ${n}\n`)
  if (total === 0) process.stdout.write(`error: no tests ran (bun test ${args.join(' ')})\n`)
  process.stdout.write(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`)
  return code !== 0 || failed > 0 || total === 0 ? 1 : 0
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)))
