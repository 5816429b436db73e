import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildExecutable } from './build.ts'
import { bytecodeOrderFiles, checkOrderFile, ORDER_DIR, profiledShare, recordBytecodeOrder } from './bytecode-order.ts'

describe('bytecode order profiles', () => {
  test('the committed profiles are Bun v2 profiles, the node first', () => {
    expect(bytecodeOrderFiles()).toEqual([join(ORDER_DIR, 'daemon.order'), join(ORDER_DIR, 'cli.order')])
    for (const file of bytecodeOrderFiles()) expect(checkOrderFile(readFileSync(file, 'utf8'))).toBeGreaterThan(1000)
  })

  test('checkOrderFile refuses what is not a profile', () => {
    expect(checkOrderFile('v2\nF 0a1b\nM ff\n')).toBe(2)
    expect(() => checkOrderFile('')).toThrow(/not a v2/)
    expect(() => checkOrderFile('v1\nF 0a\n')).toThrow(/not a v2/)
    expect(() => checkOrderFile('v2\n')).toThrow(/empty/)
    expect(() => checkOrderFile('v2\nF 0a\nfunction f() {}\n')).toThrow(/unexpected line/)
  })

  test('profiledShare reads the node\'s start-up line, or says there is none', () => {
    expect(profiledShare('x\n21:58:48.388 [D] [daemon] bytecode layout: 3124 functions loaded, 90.9% from the profiled part (release/bytecode-order)\n')).toBeCloseTo(0.909, 6)
    expect(profiledShare('21:58:48.388 [I] [daemon] node … ready')).toBeNull()
  })

  test('recording runs the workload against a compiled binary and writes both profiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leither-order-test-'))
    try {
      const { outfile } = await buildExecutable({ outfile: join(dir, 'Leither'), bytecodeOrder: false })
      const out = await recordBytecodeOrder(outfile, join(dir, 'out'), { quietMs: 0 })
      // The node ran the network stack, the gateway, MiMei and the Redis engine: far more than a bare start.
      expect(checkOrderFile(readFileSync(out.daemon, 'utf8'))).toBeGreaterThan(10_000)
      expect(checkOrderFile(readFileSync(out.cli, 'utf8'))).toBeGreaterThan(1000)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
