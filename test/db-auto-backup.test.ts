/**
 * DbBackupSeconds: a changed database MiMei becomes a new version by itself
 * and, when published, reaches its provider; an unchanged one does not.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type TestNode, lastVersion, startSwarm, stopSwarm, until } from './harness/node.ts'

let a: TestNode, b: TestNode


beforeAll(async () => {
  // DbBackupSeconds matters only on the author; the provider has nothing of its own to back up.
  ;[a, b] = await startSwarm(1, { DbBackupSeconds: 1, MiMeiPollSeconds: 1 }) as [TestNode, TestNode]
}, 60_000)

afterAll(async () => {
  await stopSwarm([a, b])
})

describe('automatic database backups', () => {
  test('version a changed database, publish it to providers, and leave an unchanged one alone', async () => {
    const mid = JSON.parse((await a.cli('mimei', 'create', '--type', 'db', '--json')).stdout).MID as string
    const idle = JSON.parse((await a.cli('mimei', 'create', '--type', 'db', '--json')).stdout).MID as string
    await a.cli('db', mid, 'SET', 'k', '1')
    await until('the first automatic version', async () => await lastVersion(a, mid) === 1, 15_000)
    expect((await a.cli('mimei', 'publish', mid)).code).toBe(0)
    expect((await b.cli('mimei', 'provide', mid)).code).toBe(0)
    await until('the provider to hold version 1', async () => await lastVersion(b, mid) === 1, 15_000)

    await a.cli('db', mid, 'SET', 'k', '2')
    await until('the provider to follow the automatic version 2', async () => await lastVersion(b, mid) === 2, 15_000)
    expect((await b.cli('db', mid, 'GET', 'k')).stdout.trim()).toBe('"2"')

    // Nothing changed: three more intervals make no version.
    await Bun.sleep(3_000)
    expect(await lastVersion(a, mid)).toBe(2)
    expect(await lastVersion(a, idle)).toBe(0)
  }, 60_000)
})
