/**
 * Builds every platform in targets/ into release/dist/:
 *
 *   Leither-<version>-<name>.tar.gz | .zip   one folder Leither-<version>-<name>/ holding
 *                                            Leither (or Leither.exe); node targets also hold
 *                                            Leither.mjs and lib/; tar.gz ones also packaging/
 *   install.sh                               the installer (release/install.sh)
 *   SHA256SUMS                               `sha256sum -c` format, covering all of the above
 *
 *   bun release/release.ts [--target a,b] [--no-bytecode]
 *
 * Archive timestamps are $SOURCE_DATE_EPOCH, else the commit time, so a rebuild of the same
 * commit gives the same archives as far as the Bun toolchain itself is reproducible.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, createReadStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join, relative } from 'node:path'
import { buildExecutable, buildInfo, buildNodeBundle } from './build.ts'
import { findTarget, loadTargets, REPO, type Target } from './targets.ts'
import { zip, type ZipEntry } from './zip.ts'

export const RELEASE_DIST = join(REPO, 'release', 'dist')
const STAGE = join(RELEASE_DIST, '.stage')

function sourceDateEpoch (): number {
  const env = process.env.SOURCE_DATE_EPOCH
  if (env != null && /^\d+$/.test(env)) return Number(env)
  const r = spawnSync('git', ['-C', REPO, 'log', '-1', '--format=%ct'], { encoding: 'utf8' })
  const t = Number(r.stdout?.trim())
  return r.status === 0 && Number.isFinite(t) && t > 0 ? t : Math.floor(Date.now() / 1000)
}

async function sha256 (path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer)
  return h.digest('hex')
}

function run (cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}${r.error != null ? `: ${r.error.message}` : ''})`)
}

function tarGz (stageDir: string, folder: string, out: string, epoch: number): void {
  run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', `--mtime=@${epoch}`,
    '--use-compress-program=gzip -6n', '-cf', out, folder], stageDir)
}

function zipDir (stageDir: string, folder: string, out: string, epoch: number): void {
  const entries: ZipEntry[] = []
  const walk = (rel: string) => {
    const abs = join(stageDir, rel)
    if (statSync(abs).isDirectory()) {
      entries.push({ name: `${rel}/` })
      for (const f of readdirSync(abs).sort()) walk(`${rel}/${f}`)
    } else {
      entries.push({ name: rel, data: readFileSync(abs), mode: statSync(abs).mode & 0o777 })
    }
  }
  walk(folder)
  writeFileSync(out, zip(entries, new Date(epoch * 1000)))
}

function parseArgs (argv: string[]) {
  const o = { targets: [] as string[], bytecode: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--no-bytecode') o.bytecode = false
    else if (a === '--target') o.targets.push(...(argv[++i] ?? '').split(','))
    else if (a.startsWith('--target=')) o.targets.push(...a.slice(9).split(','))
    else throw new Error(`unknown argument "${a}"; usage: bun release/release.ts [--target a,b] [--no-bytecode]`)
  }
  return o
}

async function main (argv: string[]): Promise<void> {
  const o = parseArgs(argv)
  const targets: Target[] = o.targets.length > 0 ? o.targets.map(findTarget) : loadTargets()
  const info = buildInfo()
  const epoch = sourceDateEpoch()
  const t0 = performance.now()
  console.log(`release Leither ${info.version} ${info.commit || '(no commit)'}: ${targets.map(t => t.name).join(', ')}`)
  rmSync(RELEASE_DIST, { recursive: true, force: true })
  mkdirSync(STAGE, { recursive: true })

  let nodeBundle: string | undefined
  const written: string[] = []
  for (const t of targets) {
    const folder = `Leither-${info.version}-${t.name}`
    const dir = join(STAGE, folder)
    mkdirSync(dir, { recursive: true })
    if (t.kind === 'bun') {
      const r = await buildExecutable({ target: t, outfile: join(dir, t.binary), bytecode: o.bytecode, info })
      console.log(`  built ${t.name}: ${t.binary} ${(r.bytes / 1048576).toFixed(1)} MiB in ${r.ms} ms${r.bytecode ? '' : ' (no bytecode)'}`)
    } else {
      if (nodeBundle == null) {
        nodeBundle = join(STAGE, '.node')
        const r = await buildNodeBundle({ outdir: nodeBundle, info })
        console.log(`  built the node bundle: ${r.files} files ${(r.bytes / 1048576).toFixed(1)} MiB in ${r.ms} ms`)
      }
      cpSync(nodeBundle, dir, { recursive: true })
    }
    if (t.archive === 'tar.gz') cpSync(join(REPO, 'release', 'packaging'), join(dir, 'packaging'), { recursive: true })
    const out = join(RELEASE_DIST, `${folder}.${t.archive}`)
    if (t.archive === 'zip') zipDir(STAGE, folder, out, epoch)
    else tarGz(STAGE, folder, out, epoch)
    rmSync(dir, { recursive: true, force: true })
    written.push(out)
    console.log(`  wrote ${relative(REPO, out)} ${(statSync(out).size / 1048576).toFixed(1)} MiB`)
  }
  rmSync(STAGE, { recursive: true, force: true })

  const installer = join(RELEASE_DIST, 'install.sh')
  copyFileSync(join(REPO, 'release', 'install.sh'), installer)
  chmodSync(installer, 0o755)
  written.push(installer)
  const lines: string[] = []
  for (const f of written.sort()) lines.push(`${await sha256(f)}  ${relative(RELEASE_DIST, f)}`)
  writeFileSync(join(RELEASE_DIST, 'SHA256SUMS'), `${lines.join('\n')}\n`)
  console.log(`wrote ${relative(REPO, join(RELEASE_DIST, 'SHA256SUMS'))} (${lines.length} files) in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}

if (import.meta.main) {
  try {
    await main(process.argv.slice(2))
  } catch (err) {
    console.error(`release: ${err instanceof AggregateError ? err.errors.map(String).join('\n') : (err as Error)?.message ?? err}`)
    process.exit(1)
  }
}
