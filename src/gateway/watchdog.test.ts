import { expect, test } from 'bun:test'
import { createWatchdog } from './watchdog.ts'

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

test('an armed watchdog aborts its signal with a TimeoutError after the timeout', async () => {
  const watch = createWatchdog(30)
  await sleep(60)
  expect(watch.signal.aborted).toBe(true)
  expect(watch.timedOut).toBe(true)
  expect((watch.signal.reason as DOMException).name).toBe('TimeoutError')
})

test('a disarmed watchdog never fires, however long it waits', async () => {
  const watch = createWatchdog(30)
  watch.disarm()
  await sleep(60)
  expect(watch.signal.aborted).toBe(false)
})

test('re-arming starts a fresh countdown', async () => {
  const watch = createWatchdog(200)
  await sleep(120)
  watch.arm()
  await sleep(120) // 240 ms since creation, 120 since re-arming
  expect(watch.signal.aborted).toBe(false)
  await sleep(200)
  expect(watch.timedOut).toBe(true)
})

test('the parent signal aborts it without counting as a timeout', () => {
  const parent = new AbortController()
  const watch = createWatchdog(1_000, parent.signal)
  parent.abort()
  expect(watch.signal.aborted).toBe(true)
  expect(watch.timedOut).toBe(false)
})
