import { describe, expect, test } from 'bun:test'
import { IdleCollector } from './idle-collector.ts'

describe('IdleCollector', () => {
  test('collects once after a burst goes quiet, not while idle or busy', async () => {
    let collections = 0
    const idle = new IdleCollector(() => { collections++ }, 20)
    try {
      await Bun.sleep(70)
      expect(collections).toBe(0) // nothing happened yet
      for (let i = 0; i < 5; i++) { idle.touch(); await Bun.sleep(5) }
      await Bun.sleep(90)
      expect(collections).toBe(1)
      await Bun.sleep(70)
      expect(collections).toBe(1) // still quiet: no second collection
      idle.touch()
      await Bun.sleep(90)
      expect(collections).toBe(2)
    } finally {
      idle.stop()
    }
  })
})
