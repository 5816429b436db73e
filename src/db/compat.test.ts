import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderCompat } from './compat.ts'
import { dbCommands } from './commands/index.ts'

describe('docs/redis-compat.md', () => {
  test('is what scripts/redis-compat.ts generates from the registry now (run it after changing a command)', () => {
    const path = join(import.meta.dir, '..', '..', 'docs', 'redis-compat.md')
    expect(readFileSync(path, 'utf8')).toBe(renderCompat())
  })

  test('lists every command of the registry exactly once', () => {
    const doc = renderCompat()
    for (const cmd of dbCommands) {
      expect(doc.split('\n').filter(l => l.split(' | ')[1] === cmd.name)).toHaveLength(1)
    }
  })

  test('lists the server-handled commands as supported by the server', () => {
    expect(renderCompat()).toContain('| connection | PING | supported (server) |')
    expect(renderCompat()).toContain('| transactions | WATCH | supported (server) |')
  })
})
