import { describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildExecutable, smokeRun } from './build.ts'
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
      const { readyMs } = await smokeRun(outfile)
      expect(readyMs).toBeLessThan(30_000)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
