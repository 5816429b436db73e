import { describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadTargets, REPO } from './targets.ts'
import { zip } from './zip.ts'

describe('platform descriptors', () => {
  test('load, have unique names and a compile target for every bun kind', () => {
    const all = loadTargets()
    expect(all.length).toBeGreaterThanOrEqual(9)
    expect(new Set(all.map(t => t.name)).size).toBe(all.length)
    for (const t of all) {
      if (t.kind === 'bun') expect(t.bunTarget).toStartWith('bun-')
      expect(t.archive).toBe(t.os === 'windows' ? 'zip' : 'tar.gz')
      expect(t.binary).toBe(t.os === 'windows' ? 'Leither.exe' : 'Leither')
    }
  })

  test('the file the build stubs out still exists in @helia/libp2p', () => {
    // If helia moves it, the stub silently stops applying and compiled binaries die at startup.
    expect(existsSync(join(REPO, 'node_modules/@helia/libp2p/dist/src/utils/libp2p-defaults.js'))).toBe(true)
  })
})

describe('install.sh', () => {
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

  /** A fake release folder: a linux-x64 archive whose "binary" is a shell script. */
  function fakeRelease (): { dir: string, archive: string } {
    const dir = mkdtempSync(join(tmpdir(), 'leither-release-'))
    const stage = join(dir, 'stage', 'Leither-9.9.9-linux-x64')
    mkdirSync(stage, { recursive: true })
    writeFileSync(join(stage, 'Leither'), '#!/bin/sh\necho "Leither version 9.9.9 (fake)"\n')
    chmodSync(join(stage, 'Leither'), 0o755)
    const archive = 'Leither-9.9.9-linux-x64.tar.gz'
    const tar = spawnSync('tar', ['-czf', join(dir, archive), '-C', join(dir, 'stage'), 'Leither-9.9.9-linux-x64'])
    expect(tar.status).toBe(0)
    writeFileSync(join(dir, 'SHA256SUMS'), `${sha(readFileSync(join(dir, archive)))}  ${archive}\n`)
    return { dir, archive }
  }

  test('installs the chosen platform from a folder after checking its sha256', () => {
    const { dir } = fakeRelease()
    try {
      const r = spawnSync('sh', [join(REPO, 'release/install.sh'), '--target', 'linux-x64', '--bindir', join(dir, 'bin'), dir], { encoding: 'utf8' })
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      expect(r.stdout).toContain('sha256 ok')
      expect(r.stdout).toContain('Leither version 9.9.9 (fake)')
      expect(existsSync(join(dir, 'bin', 'Leither'))).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('refuses an archive whose sha256 does not match SHA256SUMS', () => {
    const { dir, archive } = fakeRelease()
    try {
      writeFileSync(join(dir, archive), Buffer.concat([readFileSync(join(dir, archive)), Buffer.from('x')]))
      const r = spawnSync('sh', [join(REPO, 'release/install.sh'), '--target', 'linux-x64', '--bindir', join(dir, 'bin'), dir], { encoding: 'utf8' })
      expect(r.status).not.toBe(0)
      expect(r.stderr).toContain('sha256 mismatch')
      expect(existsSync(join(dir, 'bin', 'Leither'))).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('names the platforms it has when the asked one is missing', () => {
    const { dir } = fakeRelease()
    try {
      const r = spawnSync('sh', [join(REPO, 'release/install.sh'), '--target', 'darwin-arm64', '--bindir', join(dir, 'bin'), dir], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' } })
      expect(r.status).not.toBe(0)
      expect(r.stderr).toContain('linux-x64')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('zip writer', () => {
  test('writes an archive that unzip lists and tests as intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leither-zip-'))
    try {
      const big = new Uint8Array(300_000).map((_, i) => (i * 7) % 251)
      writeFileSync(join(dir, 'a.zip'), zip([{ name: 'd/' }, { name: 'd/Leither.exe', data: big, mode: 0o755 }, { name: 'd/empty.txt', data: new Uint8Array(0) }]))
      const r = spawnSync('unzip', ['-t', join(dir, 'a.zip')], { encoding: 'utf8' })
      if (r.error != null) return // no unzip on this machine: the byte layout is still checked below
      expect(r.stdout).toContain('No errors detected')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('ends with an end-of-central-directory record counting every entry', () => {
    const bytes = Buffer.from(zip([{ name: 'x/' }, { name: 'x/y', data: new TextEncoder().encode('hi') }]))
    const eocd = bytes.subarray(bytes.length - 22)
    expect(eocd.readUInt32LE(0)).toBe(0x06054b50)
    expect(eocd.readUInt16LE(10)).toBe(2)
    expect(bytes.readUInt32LE(0)).toBe(0x04034b50)
  })
})
