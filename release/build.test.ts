import { describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildExecutable, replaceLocaleCompare, smokeRun } from './build.ts'
import { bytecodeOrderFiles, profiledShare } from './bytecode-order.ts'
import pkg from '../package.json' with { type: 'json' }

describe('the compiled binary', () => {
  test('builds from src/main.ts, prints its version and commit, and starts and stops a node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leither-build-'))
    try {
      const { outfile } = await buildExecutable({ outfile: join(dir, 'Leither'), info: { version: pkg.version, commit: 'abc123' } })
      const v = spawnSync(outfile, ['version'], { encoding: 'utf8', cwd: dir })
      expect(v.status).toBe(0)
      expect(v.stdout).toContain(`${pkg.version} (abc123)`)
      // Loads the whole network stack inside the binary: a module that reads files next to
      // itself (package.json, native addons) fails here, not on a user's machine.
      const { readyMs, output } = await smokeRun(outfile, 30_000, 'debug')
      expect(readyMs).toBeLessThan(30_000)
      // The committed profiles lay out the bytecode (less of the binary resident). Far under
      // 90% means start-up changed a lot since they were recorded: run `make bytecode-order`.
      expect(bytecodeOrderFiles().length).toBe(2)
      expect(profiledShare(output)).toBeGreaterThan(0.9)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('plainOrderInPeerStore', () => {
  test('rewrites localeCompare calls to a plain comparison, receiver and argument intact', () => {
    const src = [
      'const sort = (a, b) => a.toString().localeCompare(b.toString());',
      'return a.multiaddr.toString().localeCompare(b.multiaddr.toString());',
      'entries.sort(([a], [b]) => { return a.localeCompare(f(b, (c))); })',
    ].join('\n')
    expect(replaceLocaleCompare(src, 'cmp').split('\n')).toEqual([
      'const sort = (a, b) => cmp(a.toString(), b.toString());',
      'return cmp(a.multiaddr.toString(), b.multiaddr.toString());',
      'entries.sort(([a], [b]) => { return cmp(a, f(b, (c))); })',
    ])
  })

  test('orders the way the peer store needs: fixed, by code unit', () => {
    const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)
    const addrs = ['/ip4/10.0.0.2/tcp/1', '/ip4/10.0.0.10/tcp/1', '/ip6/::1/tcp/1', '/dns4/a.example/tcp/1']
    expect([...addrs].sort(compare)).toEqual([...addrs].sort())
  })
})
