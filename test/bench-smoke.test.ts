/**
 * Every benchmark script still runs: each one with --smoke (one tiny
 * iteration) writes its results file. Only that the scripts work is checked:
 * no timing is asserted here (benchmarks are measured by `make bench`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { removeRoot, tempRoot } from './harness/node.ts'

const REPO = resolve(import.meta.dir, '..')
let out: string

function runScript(script: string, args: string[], timeoutMs: number): Promise<{ code: number, output: string }> {
  return new Promise(res => {
    const child = spawn(process.execPath, [join(REPO, script), ...args], {
      cwd: REPO,
      // From source: a dist/Leither older than src/ would smoke-test stale code.
      env: { ...process.env, BENCH_RESULTS: out, LEITHER_BIN: join(REPO, 'bench/lib/leither-from-source'), LEITHER_BUN: process.execPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout!.on('data', (b: Buffer) => { output += b.toString() })
    child.stderr!.on('data', (b: Buffer) => { output += b.toString() })
    // The script stops its own nodes on SIGTERM.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs)
    child.on('close', code => {
      clearTimeout(timer)
      res({ code: code ?? 137, output })
    })
  })
}

beforeAll(async () => {
  out = await tempRoot('leither-bench-smoke-')
})

afterAll(async () => {
  await removeRoot(out)
})

const scripts = [
  { area: 'add', script: 'bench/add.ts' },
  { area: 'gateway', script: 'bench/gateway.ts' },
  { area: 'replication', script: 'bench/replication.ts' },
  { area: 'dht', script: 'bench/dht.ts' },
  { area: 'footprint', script: 'bench/footprint.ts' },
]

describe('benchmark scripts in smoke mode', () => {
  for (const { area, script } of scripts) {
    test(`${script} --smoke runs to the end and writes ${area}.json`, async () => {
      const { code, output } = await runScript(script, ['--smoke'], 50_000)
      if (code !== 0) throw new Error(`${script} --smoke exited with ${code}:\n${output}`)
      const file = join(out, `${area}.json`)
      expect(existsSync(file)).toBe(true)
      const result = JSON.parse(readFileSync(file, 'utf8'))
      expect(result.area).toBe(area)
      expect(result.smoke).toBe(true)
      expect(result.rows.length).toBeGreaterThan(0)
      expect(output).toContain('| measurement')
    }, 60_000)
  }

  test.if(existsSync(join(REPO, 'bench/resp/run.ts')))('bench/resp/run.ts --smoke runs to the end', async () => {
    const { code, output } = await runScript('bench/resp/run.ts', ['--smoke'], 50_000)
    if (code !== 0) throw new Error(`bench/resp/run.ts --smoke exited with ${code}:\n${output}`)
  }, 60_000)

  test('run-all refuses an unknown area and names the known ones', async () => {
    const { code, output } = await runScript('bench/run-all.ts', ['no-such-area', '--smoke'], 20_000)
    expect(code).toBe(2)
    expect(output).toContain('choose from add, gateway')
  }, 30_000)
})
