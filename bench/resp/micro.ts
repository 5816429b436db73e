/**
 * The engine's hot path without the network: redis-benchmark's six commands
 * as RESP bytes, parsed, run by `Keyspace.execute` inside group-commit
 * batches (begin … commit, as the server does once per event-loop turn) and
 * encoded, in a loop. For iterating on the engine; `run.ts` is the measurement.
 *
 *   bun bench/resp/micro.ts [--n 200000] [--batch 800] [--rounds 3] [--tests set,get,...] [--memory] [--listen]
 *
 * --batch: commands per commit (800 ≈ 50 clients × -P 16; 50 ≈ -P 1).
 * --rounds: the best of this many timed runs per test (the machine is shared).
 * --memory: a ':memory:' keyspace (no file I/O) instead of a temp file.
 * --listen: a write listener, as when a client waits in BLPOP (keys touched are then collected).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyspace } from '../../src/db/keyspace.ts'
import { RespParser } from '../../src/db/resp/parser.ts'
import { RespEncoder } from '../../src/db/resp/encoder.ts'

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1]! : fallback
}

const n = Number(option('--n', '200000'))
const batch = Number(option('--batch', '800'))
const tests = option('--tests', 'set,get,incr,lpush,hset,zadd').split(',')
const rounds = Number(option('--rounds', '3'))
const memory = process.argv.includes('--memory')
const listen = process.argv.includes('--listen')

/** redis-benchmark's commands (no -r: one key each), as it sends them. */
const COMMANDS: Record<string, string[]> = {
  set: ['SET', 'key:__rand_int__', 'xxx'],
  get: ['GET', 'key:__rand_int__'],
  incr: ['INCR', 'counter:__rand_int__'],
  lpush: ['LPUSH', 'mylist', 'xxx'],
  hset: ['HSET', 'myhash', 'element:__rand_int__', 'xxx'],
  zadd: ['ZADD', 'myzset', '0', 'element:__rand_int__'],
}

function frame(args: string[]): string {
  return `*${args.length}\r\n${args.map(a => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
}

const dir = mkdtempSync(join(tmpdir(), 'bench-micro-'))
const ks = Keyspace.open(memory ? ':memory:' : join(dir, 'default.db'))
const stop = listen ? ks.onWrite(() => {}) : () => {}
try {
  for (const test of tests) {
    const one = frame(COMMANDS[test]!)
    // One client's pipeline of 16, received as one chunk, as redis-benchmark sends it.
    const chunk = Buffer.from(one.repeat(16))
    const parser = new RespParser()
    const out = new RespEncoder()
    const run = (count: number): number => {
      const start = process.cpuUsage()
      let done = 0
      while (done < count) {
        ks.begin()
        for (let inBatch = 0; inBatch < batch && done < count; inBatch += 16) {
          parser.push(chunk)
          const now = Date.now()
          for (let args = parser.next(); args !== null; args = parser.next()) {
            if (args[0] !== parser.intern) parser.intern = args[0]!.slice()
            out.write(ks.execute(args, { now, resp: 2 }), 2)
            done++
          }
          out.take()
        }
        ks.commit()
      }
      const used = process.cpuUsage(start)
      return (used.user + used.system) / 1000 // CPU ms, steadier than wall time on a shared machine
    }
    run(Math.min(n, 20_000)) // warm up
    let ms = Infinity
    for (let r = 0; r < rounds; r++) ms = Math.min(ms, run(n))
    console.log(`${test.toUpperCase().padEnd(6)} ${Math.round(n / ms * 1000).toString().padStart(9)} ops/CPU-s  (${(ms * 1000 / n).toFixed(2)} µs/op, batch ${batch})`)
  }
} finally {
  stop()
  ks.close()
  rmSync(dir, { recursive: true, force: true })
}
