/**
 * Only the RESP server with a real Keyspace (a temp dir), for profiling it
 * under redis-benchmark by hand:
 *
 *   bun --cpu-prof bench/resp/serve.ts [--port 6390] [--seconds 30]
 *   redis-benchmark -p 6390 -t incr -n 1000000 -c 50 -P 16
 *
 * Stops after --seconds (so that the profile is written) or on SIGINT/SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyspace } from '../../src/db/keyspace.ts'
import { RespServer } from '../../src/db/server.ts'

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const dir = mkdtempSync(join(tmpdir(), 'bench-serve-'))
const ks = Keyspace.open(join(dir, 'default.db'))
const server = new RespServer({ bind: '127.0.0.1', port: option('--port', 6390), maxClients: 10_000, maxBulkBytes: 512 * 1024 * 1024, open: () => ks })
await server.start()
console.log(`RESP on 127.0.0.1:${server.port}, data in ${dir}`)
const stop = async (): Promise<void> => {
  await server.stop()
  ks.close()
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}
setTimeout(() => void stop(), option('--seconds', 30) * 1000)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop())
