import { describe, expect, test } from 'bun:test'
import { IdleCollector } from './idle-collector.ts'

describe('IdleCollector', () => {
  test('collects at each quiet step after a burst, not while idle or busy', async () => {
    let collections = 0
    const idle = new IdleCollector(() => { collections++ }, [40, 120], 10)
    try {
      await Bun.sleep(80)
      expect(collections).toBe(0) // nothing happened yet
      for (let i = 0; i < 8; i++) { idle.touch(); await Bun.sleep(10) }
      expect(collections).toBe(0) // busy
      await Bun.sleep(80)
      expect(collections).toBe(1) // first quiet step
      await Bun.sleep(100)
      expect(collections).toBe(2) // second
      await Bun.sleep(150)
      expect(collections).toBe(2) // still quiet: nothing more
      idle.touch()
      await Bun.sleep(80)
      expect(collections).toBe(3) // a new burst starts over
    } finally {
      idle.stop()
    }
  })
})
