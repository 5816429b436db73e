/**
 * A RespServer over in-memory fake keyspaces on 127.0.0.1, started once per
 * test file; clients opened with connect() are closed after each test.
 */
import { afterAll, afterEach, beforeAll } from 'bun:test'
import { FakeKeyspace } from './redis-fake-keyspace.ts'
import { RawClient } from './redis.ts'
import { RespServer } from '../../src/db/server.ts'

export function respFixture() {
  const dbs = new Map<string, FakeKeyspace>()
  const opened: string[] = []
  const clients: RawClient[] = []

  function openFake(name: string): Promise<FakeKeyspace> {
    opened.push(name)
    if (name.startsWith('bad')) return Promise.reject(new Error(`no database "${name}"`))
    let ks = dbs.get(name)
    if (ks == null) dbs.set(name, ks = new FakeKeyspace(name, name.includes('@')))
    return Promise.resolve(ks)
  }

  async function startServer(extra: Partial<ConstructorParameters<typeof RespServer>[0]> = {}): Promise<RespServer> {
    const srv = new RespServer({ bind: '127.0.0.1', port: 0, maxClients: 100, maxBulkBytes: 1024 * 1024, open: openFake as any, sweepIntervalMs: 0, ...extra })
    await srv.start()
    return srv
  }

  const fx = {
    dbs,
    opened,
    server: undefined as unknown as RespServer,
    db0: () => dbs.get('0')!,
    startServer,
    async connect(srv: RespServer): Promise<RawClient> {
      const c = await RawClient.connect(srv.port)
      clients.push(c)
      return c
    },
  }
  beforeAll(async () => { fx.server = await startServer() })
  afterAll(async () => { await fx.server.stop() })
  afterEach(() => {
    for (const c of clients.splice(0)) c.close()
  })
  return fx
}
