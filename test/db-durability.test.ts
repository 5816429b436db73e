/**
 * An acknowledged write survives kill -9: writers stream INCRs and SETs,
 * the node is killed at random moments, and after each restart every
 * acknowledged write is there.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import Redis from 'ioredis'
import { removeRoot, startNode, type TestNode } from './harness/node.ts'

let node: TestNode | undefined
afterAll(async () => {
  if (node != null) {
    await node.stop()
    await removeRoot(node.root)
  }
})

describe('durability', () => {
  test('every acknowledged INCR and SET survives kill -9, three times over', async () => {
    node = await startNode()
    let acknowledgedIncrs = 0
    const acknowledgedSets = new Map<string, string>()
    for (let round = 0; round < 3; round++) {
      const clients = [0, 1, 2].map(() => new Redis({ port: node!.ports.resp!, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, lazyConnect: true }))
      await Promise.all(clients.map(c => c.connect()))
      let stop = false
      const writers = clients.map(async (c, w) => {
        for (let i = 0; i < 20_000 && !stop; i++) {
          try {
            await c.incr('counter')
            acknowledgedIncrs++
            const key = `r${round}:w${w}:${i}`
            await c.set(key, `v${i}`)
            acknowledgedSets.set(key, `v${i}`)
          } catch {
            return // the node died under us: nothing after this was acknowledged
          }
        }
      })
      await Bun.sleep(100 + Math.floor(Math.random() * 400))
      await node!.kill9()
      stop = true
      await Promise.all(writers)
      for (const c of clients) c.disconnect()
      node = await startNode({ root: node!.root })

      const check = new Redis({ port: node.ports.resp!, host: '127.0.0.1', lazyConnect: true })
      await check.connect()
      try {
        const counter = Number(await check.get('counter'))
        // a write sent but not acknowledged may or may not be there; an acknowledged one must be
        expect(counter).toBeGreaterThanOrEqual(acknowledgedIncrs)
        expect(counter).toBeLessThanOrEqual(acknowledgedIncrs + clients.length)
        acknowledgedIncrs = counter
        const keys = [...acknowledgedSets.keys()]
        for (let i = 0; i < keys.length; i += 500) {
          const batch = keys.slice(i, i + 500)
          const values = await check.mget(...batch)
          batch.forEach((k, j) => expect({ k, v: values[j] }).toEqual({ k, v: acknowledgedSets.get(k)! }))
        }
      } finally {
        check.disconnect()
      }
    }
    expect(acknowledgedSets.size).toBeGreaterThan(100)
  }, 120_000)
})
