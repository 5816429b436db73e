/**
 * redis-benchmark against a scratch redis-server and against Leither, in the
 * same run, on the same machine: SET GET INCR LPUSH HSET ZADD, 50 clients,
 * without and with a 16-deep pipeline. Prints requests/s for both and the
 * ratio, and writes bench/results/resp.json.
 *
 *   bun bench/resp/run.ts [--smoke] [--n 100000] [--clients 50] [--repeat 1] [--random 0] [--in-process]
 *
 * By default Leither is a whole node (`Leither run --resp-port 0` in a temp
 * root, through test/harness/node.ts; $LEITHER_BIN picks a compiled binary);
 * --in-process runs only the RESP server with a real Keyspace inside this
 * process. --smoke: n=1000 (CI). --out DIR or $BENCH_RESULTS: where resp.json
 * goes (default bench/results/, bench/results/smoke/ with --smoke). --random N:
 * random keys among N (redis-benchmark -r N) instead of one key per test.
 * Targets (issue #5): >= 0.5x Redis without pipelining, >= 0.3x with -P 16.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchOptions, machine } from '../lib/report.ts'

const TESTS = ['set', 'get', 'incr', 'lpush', 'hset', 'zadd']
const TARGET = { plain: 0.5, pipelined: 0.3 }

function flag(name: string): boolean {
  return process.argv.includes(name)
}
function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const opts = benchOptions()
const smoke = opts.smoke
const n = option('--n', smoke ? 1000 : 100_000)
const clients = option('--clients', 50)
const repeat = Math.max(1, option('--repeat', 1))
const random = option('--random', 0)

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise(res => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', b => out.push(b))
    child.stderr.on('data', b => err.push(b))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', code => {
      clearTimeout(timer)
      res({ code: code ?? 137, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() })
    })
  })
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => res(typeof a === 'object' && a != null ? a.port : 0))
    })
  })
}

async function waitPing(port: number): Promise<void> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    const r = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], 5000)
    if (r.stdout.trim() === 'PONG') return
    await new Promise(res => setTimeout(res, 100))
  }
  throw new Error(`nothing answers PING on port ${port}`)
}

interface Target { name: string, port: number, stop(): Promise<void>, flush(): Promise<void> }

async function startRedis(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'))
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
  await waitPing(port)
  return {
    name: 'redis',
    port,
    flush: async () => { await run('redis-cli', ['-p', String(port), 'FLUSHALL'], 10_000) },
    stop: async () => {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function startLeither(): Promise<Target & { how: string }> {
  const flush = (port: number) => async () => { await run('redis-cli', ['-p', String(port), 'FLUSHDB'], 60_000) }
  if (flag('--in-process')) {
    const { Keyspace } = await import('../../src/db/keyspace.ts')
    const { RespServer } = await import('../../src/db/server.ts')
    const dir = mkdtempSync(join(tmpdir(), 'bench-leither-'))
    const ks = Keyspace.open(join(dir, 'default.db'))
    const server = new RespServer({ bind: '127.0.0.1', port: 0, maxClients: 10_000, maxBulkBytes: 512 * 1024 * 1024, open: () => ks })
    await server.start()
    return {
      name: 'leither', how: 'RespServer in the bench process, real Keyspace (SQLite WAL) in a temp dir', port: server.port, flush: flush(server.port),
      stop: async () => {
        await server.stop()
        ks.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const { startNode, removeRoot } = await import('../../test/harness/node.ts')
  const node = await startNode()
  const port = node.ports.resp
  if (port == null) throw new Error('the node did not open its RESP port')
  await waitPing(port)
  return {
    name: 'leither', how: 'whole node: Leither run --resp-port 0 in a temp root', port, flush: flush(port),
    stop: async () => {
      await node.stop()
      await removeRoot(node.root)
    },
  }
}

/** requests/s per test, from redis-benchmark --csv */
async function benchmark(port: number, pipeline: number, tests: string[]): Promise<Record<string, number>> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-q', '--csv', '-t', tests.join(','), '-n', String(n), '-c', String(clients)]
  if (pipeline > 1) args.push('-P', String(pipeline))
  if (random > 0) args.push('-r', String(random))
  const r = await run('redis-benchmark', args, 30 * 60_000)
  if (r.code !== 0) throw new Error(`redis-benchmark failed (${r.code}): ${r.stderr || r.stdout}`)
  const out: Record<string, number> = {}
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line)
    if (m == null) continue
    const name = m[1]!.split(' ')[0]!.toLowerCase()
    if (TESTS.includes(name)) out[name] = Number(m[2])
  }
  return out
}

interface Row { test: string, pipeline: number, redis: number, leither: number, ratio: number }

async function main(): Promise<void> {
  const redis = await startRedis()
  const leither = await startLeither().catch(async e => { await redis.stop(); throw e })
  // Stopped from outside (bench-smoke's timeout, Ctrl-C): leave no server behind.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void Promise.allSettled([leither.stop(), redis.stop()]).then(() => process.exit(130))
    })
  }
  const rows: Row[] = []
  try {
    // Test by test, alternating servers, so both see the same machine load (shared CI boxes are noisy);
    // with --repeat k each figure is the best of k runs.
    for (const pipeline of [1, 16]) {
      await redis.flush()
      await leither.flush()
      for (const test of TESTS) {
        let best = { redis: 0, leither: 0 }
        for (let i = 0; i < repeat; i++) {
          const r = (await benchmark(redis.port, pipeline, [test]))[test] ?? 0
          const l = (await benchmark(leither.port, pipeline, [test]))[test] ?? 0
          best = { redis: Math.max(best.redis, r), leither: Math.max(best.leither, l) }
        }
        rows.push({ test, pipeline, ...best, ratio: best.redis > 0 ? best.leither / best.redis : 0 })
      }
    }
  } finally {
    await leither.stop()
    await redis.stop()
  }
  const pad = (s: string, w: number) => s.padStart(w)
  const m = machine()
  console.log(`redis-benchmark -n ${n} -c ${clients}${random > 0 ? ` -r ${random}` : ''}${repeat > 1 ? `, best of ${repeat}` : ''}${smoke ? ' (smoke: not a measurement)' : ''}; Leither: ${leither.how}; ${m.cpu}, ${m.nproc} CPUs`)
  console.log(`${'test'.padEnd(8)} ${pad('pipeline', 8)} ${pad('redis rps', 12)} ${pad('leither rps', 12)} ${pad('ratio', 7)}  target`)
  let failed = 0
  for (const row of rows) {
    const target = row.pipeline > 1 ? TARGET.pipelined : TARGET.plain
    const ok = row.ratio >= target
    if (!ok && !smoke) failed++
    const verdict = smoke ? '(smoke)' : ok ? 'ok' : 'BELOW'
    console.log(`${row.test.toUpperCase().padEnd(8)} ${pad(`-P ${row.pipeline}`, 8)} ${pad(row.redis.toFixed(0), 12)} ${pad(row.leither.toFixed(0), 12)} ${pad(row.ratio.toFixed(2), 7)}  >= ${target} ${verdict}`)
  }
  mkdirSync(opts.out, { recursive: true })
  const file = join(opts.out, 'resp.json')
  writeFileSync(file, JSON.stringify({
    area: 'resp', date: new Date().toISOString(), smoke, n, clients, repeat, random, machine: m, leither: leither.how, targets: TARGET, rows,
  }, null, 2) + '\n')
  const summary = smoke ? 'smoke run: ratios not judged' : failed === 0 ? 'all ratios on target' : `${failed} ratio(s) below target`
  console.log(`${summary}; written ${file}`)
}

await main()
