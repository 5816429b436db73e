/**
 * Platform descriptors: one JSON file per platform in targets/. A `bun` target is a
 * single compiled executable; a `node` target ships the JS bundle with a launcher that
 * runs it on Node >= 22 (for platforms Bun has no build for).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const REPO = resolve(import.meta.dir, '..')
export const TARGETS_DIR = join(REPO, 'targets')

/** One platform a release is built for. */
export interface Target {
  /** File name stem and archive suffix, e.g. `linux-arm64`. */
  name: string
  kind: 'bun' | 'node'
  /** Bun's compile target (`bun-linux-arm64`); null for `node` targets. */
  bunTarget: string | null
  os: 'linux' | 'darwin' | 'windows' | 'freebsd' | 'android'
  arch: 'x64' | 'arm64' | 'armv7'
  libc?: 'glibc' | 'musl'
  /** The program's file name inside the archive: `Leither` or `Leither.exe`. */
  binary: string
  archive: 'tar.gz' | 'zip'
  note?: string
}

const KINDS = new Set(['bun', 'node'])
const ARCHIVES = new Set(['tar.gz', 'zip'])

function check (t: Target, file: string): Target {
  const bad = (why: string) => new Error(`targets/${file}: ${why}`)
  if (`${t.name}.json` !== file) throw bad(`"name" is "${t.name}" but must match the file name`)
  if (!KINDS.has(t.kind)) throw bad(`"kind" must be "bun" or "node", not "${t.kind}"`)
  if (!ARCHIVES.has(t.archive)) throw bad(`"archive" must be "tar.gz" or "zip", not "${t.archive}"`)
  if (t.kind === 'bun' && (typeof t.bunTarget !== 'string' || !t.bunTarget.startsWith('bun-'))) {
    throw bad(`a bun target needs "bunTarget" starting with "bun-", not ${JSON.stringify(t.bunTarget)}`)
  }
  if (typeof t.binary !== 'string' || t.binary.includes('/')) throw bad(`"binary" must be a plain file name`)
  return t
}

/** Every descriptor in targets/, sorted by name. */
export function loadTargets (): Target[] {
  return readdirSync(TARGETS_DIR)
    .filter(f => f.endsWith('.json'))
    .sort()
    .map(f => check(JSON.parse(readFileSync(join(TARGETS_DIR, f), 'utf8')) as Target, f))
}

/** The descriptor called `name`, or an error listing the known ones. */
export function findTarget (name: string): Target {
  const all = loadTargets()
  const t = all.find(x => x.name === name)
  if (t == null) throw new Error(`unknown target "${name}"; known: ${all.map(x => x.name).join(', ')}`)
  return t
}
