/**
 * Dependencies point inward (STYLE.md): the leaves import nothing of the
 * app, the core never imports a transport, only main.ts starts the CLI.
 */
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const SRC = import.meta.dir

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
  })
}

/** The top-level folders of src/ that a file imports (relative imports only). */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const folders = new Set<string>()
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = relative(SRC, resolve(dirname(file), m[1]!))
    folders.add(target.split('/')[0]!)
  }
  return [...folders]
}

const folderOf = (file: string) => relative(SRC, file).split('/')[0]!

/** What each folder may import besides itself. */
const ALLOWED: Record<string, string[]> = {
  'utils': [],
  'version.ts': ['package.json'].map(p => `../${p}`),
  'config': ['utils'],
  'pki': ['utils'],
  'store': ['utils'],
  'access': ['utils'],
  'net': ['utils', 'config', 'pki'],
  'ipfs': ['utils'],
  'db': ['utils', 'store'],
  'mimei': ['utils', 'pki', 'store', 'ipfs', 'db'],
  'node': ['utils', 'config', 'pki', 'store', 'net', 'ipfs', 'mimei', 'access', 'version.ts'],
  'gateway': ['utils', 'ipfs'],
  'api': ['utils', 'config', 'pki', 'store', 'net', 'ipfs', 'mimei', 'db', 'node', 'access', 'version.ts'],
  'browser': ['utils', 'access', 'db', 'mimei', 'node', 'api'],
  'daemon': ['utils', 'config', 'pki', 'store', 'net', 'ipfs', 'mimei', 'db', 'node', 'api', 'gateway', 'browser', 'version.ts'],
  'cli': ['utils', 'config', 'pki', 'ipfs', 'api', 'daemon', 'version.ts'],
  'main.ts': ['cli'],
}

describe('the source tree', () => {
  test('keeps dependencies pointing inward', () => {
    const violations: string[] = []
    for (const file of sourceFiles(SRC)) {
      const own = folderOf(file)
      const allowed = ALLOWED[own]
      if (allowed == null) {
        violations.push(`${relative(SRC, file)}: folder "${own}" has no rule in architecture.test.ts`)
        continue
      }
      for (const folder of importedFolders(file)) {
        if (folder === own || folder === '..' || allowed.includes(folder)) continue
        violations.push(`${relative(SRC, file)} imports ${folder}/`)
      }
    }
    expect(violations).toEqual([])
  })
})
