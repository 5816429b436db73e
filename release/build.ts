/**
 * Builds Leither with Bun.build (the CLI cannot take plugins).
 *
 *   bun release/build.ts                        host executable   -> dist/Leither
 *   bun release/build.ts --target linux-arm64   one descriptor    -> dist/linux-arm64/Leither
 *   bun release/build.ts --target a,b           several descriptors
 *   bun release/build.ts --all                  every descriptor in targets/ (node ones -> dist/node/)
 *   bun release/build.ts --node                 Node >= 22 bundle -> dist/node/{Leither,Leither.mjs,lib/}
 *   options: --entry FILE (or $LEITHER_ENTRY; default src/main.ts), --outfile FILE (host build),
 *            --no-bytecode, --no-bytecode-order (ignore release/bytecode-order/*.order),
 *            --no-check (skip running `version` and a short `run` of a host build)
 *
 * Build stamp: the version comes from package.json (src/version.ts imports it, the bundler
 * inlines it). The commit is defined as the global constant `LEITHER_COMMIT` (a string:
 * `git rev-parse --short=12 HEAD`, `-dirty` appended for a modified work tree, or
 * $LEITHER_COMMIT when set, e.g. for builds outside git). Source runs leave it undefined and
 * src/version.ts falls back to ''.
 */
import type { BunPlugin } from 'bun'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { bytecodeOrderFiles, profiledShare } from './bytecode-order.ts'
import { startLoopbackNode, type LoopbackNode } from './loopback-node.ts'
import { findTarget, loadTargets, REPO, type Target } from './targets.ts'

export const DIST = join(REPO, 'dist')
export const DEFAULT_ENTRY = join(REPO, 'src/main.ts')

/**
 * Files that must be bundled as their own entry points besides main.ts: every
 * `new Worker(new URL('./x.ts', import.meta.url))` target. A compiled binary whose worker
 * file is not listed here exits silently when it starts the worker.
 */
export const EXTRA_ENTRIES: string[] = []

/**
 * helia statically imports @helia/libp2p's default libp2p config, which drags in webrtc
 * (native node-datachannel), tls/auto-tls (tsyringe), upnp (reads ../../package.json at run
 * time), mdns and delegated routing. A compiled binary dies at startup with them. Leither
 * always passes its own libp2p config, so the defaults are replaced by an identity function.
 */
export const stubHeliaLibp2pDefaults: BunPlugin = {
  name: 'stub-helia-libp2p-defaults',
  setup (b) {
    b.onLoad({ filter: /@helia[\\/]libp2p[\\/]dist[\\/]src[\\/]utils[\\/]libp2p-defaults\.js$/ }, () => ({
      contents: 'export function libp2pDefaults (o = {}) { return o }',
      loader: 'js',
    }))
  },
}

/**
 * @achingbrain/ssdp (UPnP, via @libp2p/upnp-nat) does `createRequire(import.meta.url)('../../package.json')`
 * at load time. In a compiled binary there is no such file: the binary dies with "Cannot find
 * module '../../package.json'". The JSON's name and version are inlined at build time instead.
 */
export const inlinePackageJsonRequires: BunPlugin = {
  name: 'inline-package-json-requires',
  setup (b) {
    b.onLoad({ filter: /@achingbrain[\\/]ssdp[\\/]dist[\\/]src[\\/]ssdp\.js$/ }, async ({ path }) => {
      const src = await Bun.file(path).text()
      const out = src.replace(/\b\w+\((['"])((?:\.\.\/)+package\.json)\1\)/g, (_m, _q, rel: string) => {
        const pkg = JSON.parse(readFileSync(resolve(dirname(path), rel), 'utf8')) as { name: string, version: string }
        return JSON.stringify({ name: pkg.name, version: pkg.version })
      })
      if (out === src) throw new Error(`${path}: no require of package.json found; update inlinePackageJsonRequires in release/build.ts`)
      return { contents: out, loader: 'js' }
    })
  },
}

/**
 * @libp2p/noise's crypto module compiles two WebAssembly modules when it loads
 * (as-chacha20poly1305, and as-sha256, which instantiates itself on import), for its
 * `asCrypto` variant. Leither never uses that variant (src/net/noise-crypto.ts), but the
 * instances alone keep ~4.7 MB resident: two 512 KiB wasm memories and the pages of the
 * engine's wasm compiler. Here they are created on first use instead.
 */
export const lazyNoiseWasm: BunPlugin = {
  name: 'lazy-noise-wasm',
  setup (b) {
    b.onLoad({ filter: /@libp2p[\\/]noise[\\/]dist[\\/]src[\\/]crypto[\\/]index\.js$/ }, async ({ path }) => {
      const edits: Array<[string, string]> = [
        ["import { newInstance, ChaCha20Poly1305 } from '@chainsafe/as-chacha20poly1305';", ''],
        ["import { digest } from '@chainsafe/as-sha256';", "const digest = (data) => require('@chainsafe/as-sha256').digest(data);"],
        ['const ctx = newInstance();\nconst asImpl = new ChaCha20Poly1305(ctx);',
          'let asInstance;\nconst asChaCha = () => {\n  if (asInstance == null) {\n    const { newInstance, ChaCha20Poly1305 } = require(\'@chainsafe/as-chacha20poly1305\');\n    asInstance = new ChaCha20Poly1305(newInstance());\n  }\n  return asInstance;\n};\nconst asImpl = { seal: (...a) => asChaCha().seal(...a), open: (...a) => asChaCha().open(...a) };'],
      ]
      let src = await Bun.file(path).text()
      for (const [from, to] of edits) {
        if (src.split(from).length !== 2) throw new Error(`${path}: expected exactly one "${from.split('\n')[0]}"; update lazyNoiseWasm in release/build.ts`)
        src = src.replace(from, to)
      }
      return { contents: src, loader: 'js' }
    })
  },
}

/**
 * `a.localeCompare(b)` in JavaScriptCore opens an ICU collator, which pages in ~1.5 MB of
 * collation data and code that nothing else in a node touches. libp2p's peer store and
 * peer records use it only to put multiaddrs, protocol names and metadata keys in a fixed
 * order; UTF-16 code-unit order is as fixed. Rewritten here to a plain comparison.
 */
export const plainOrderInPeerStore: BunPlugin = {
  name: 'plain-order-in-peer-store',
  setup (b) {
    b.onLoad({ filter: /@libp2p[\\/](peer-store|peer-record)[\\/]dist[\\/]src[\\/].*\.js$/ }, async ({ path }) => {
      const src = await Bun.file(path).text()
      if (!src.includes('.localeCompare(')) return { contents: src, loader: 'js' }
      const out = replaceLocaleCompare(src, '__leitherCompare')
      if (out.includes('.localeCompare(')) throw new Error(`${path}: a localeCompare call was not rewritten; update plainOrderInPeerStore in release/build.ts`)
      return { contents: `const __leitherCompare = (x, y) => (x < y ? -1 : x > y ? 1 : 0);\n${out}`, loader: 'js' }
    })
  },
}

/** `recv.localeCompare(arg)` → `fn(recv, arg)`, for receivers made of names, dots and `()` calls. */
export function replaceLocaleCompare (src: string, fn: string): string {
  const marker = '.localeCompare('
  let out = src
  for (let at = out.indexOf(marker); at >= 0; at = out.indexOf(marker)) {
    let start = at
    while (start > 0) {
      const c = out[start - 1]!
      if (/[\w$.]/.test(c)) { start--; continue }
      if (c === ')' && out[start - 2] === '(') { start -= 2; continue }
      break
    }
    let depth = 1
    let end = at + marker.length
    for (; end < out.length && depth > 0; end++) {
      if (out[end] === '(') depth++
      else if (out[end] === ')') depth--
    }
    const receiver = out.slice(start, at)
    const arg = out.slice(at + marker.length, end - 1)
    if (receiver === '' || depth !== 0) throw new Error(`cannot rewrite localeCompare near: ${out.slice(Math.max(0, at - 40), at + 40)}`)
    out = `${out.slice(0, start)}${fn}(${receiver}, ${arg})${out.slice(end)}`
  }
  return out
}

export const PLUGINS: BunPlugin[] = [stubHeliaLibp2pDefaults, inlinePackageJsonRequires, lazyNoiseWasm, plainOrderInPeerStore]

export interface BuildInfo {
  version: string
  commit: string
}

/** The version from package.json and the commit to stamp into the build. */
export function buildInfo (): BuildInfo {
  const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
  const fromEnv = process.env.LEITHER_COMMIT
  if (fromEnv != null && fromEnv !== '') return { version, commit: fromEnv }
  const git = (...args: string[]) => spawnSync('git', ['-C', REPO, ...args], { encoding: 'utf8' })
  const head = git('rev-parse', '--short=12', 'HEAD')
  if (head.status !== 0) return { version, commit: '' }
  const dirty = (git('status', '--porcelain', '--untracked-files=no').stdout ?? '').trim() !== ''
  return { version, commit: head.stdout.trim() + (dirty ? '-dirty' : '') }
}

/**
 * Native addons are not embedded in a compiled binary (node-gyp-build looks for them on disk),
 * nor shipped with the node bundle: such a build works only where node_modules still sits at
 * the build path. Fail the build instead of shipping that.
 */
function checkNoNativeAddons (metafile: { inputs: Record<string, unknown> } | undefined): void {
  const native = Object.keys(metafile?.inputs ?? {}).filter(i => /(^|[\\/])(node-gyp-build|bindings|prebuild-install)[\\/]|\.node$/.test(i))
  if (native.length > 0) throw new Error(`the bundle loads native addons, which a release cannot carry:\n  ${native.join('\n  ')}\nKeep their packages (e.g. datastore-level, classic-level) out of src/.`)
}

function defines (info: BuildInfo): Record<string, string> {
  return { LEITHER_COMMIT: JSON.stringify(info.commit) }
}

// keepNames: errors take their name from their class (`this.name = new.target.name`).
const MINIFY = { whitespace: true, syntax: true, identifiers: true, keepNames: true }

function formatLogs (logs: readonly unknown[]): string {
  return logs.map(l => String(l)).join('\n')
}

function shown (path: string): string {
  const rel = relative(REPO, path)
  return rel === '' || rel.startsWith('..') ? path : rel
}

function mib (bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`
}

export interface ExecutableOptions {
  /** A descriptor from targets/ (a `bun` kind); omitted = the host, using the running Bun. */
  target?: Target
  outfile: string
  entry?: string
  bytecode?: boolean
  /** Lay the bytecode out by the committed profiles (default true; ignored without bytecode). */
  bytecodeOrder?: boolean
  info?: BuildInfo
}

/** Tier-up thresholds multiplied while the compiled node starts (src/daemon/engine-tuning.ts ends it). */
const STARTUP_JIT_POLICY = 8

/** Compiles one single-file executable. Falls back to no bytecode if Bun refuses it. */
export async function buildExecutable (opts: ExecutableOptions): Promise<{ outfile: string, bytes: number, ms: number, bytecode: boolean }> {
  const t0 = performance.now()
  const info = opts.info ?? buildInfo()
  const entry = resolve(opts.entry ?? DEFAULT_ENTRY)
  if (opts.target != null && opts.target.kind !== 'bun') throw new Error(`target "${opts.target.name}" is a node target: build it with --node`)
  mkdirSync(dirname(opts.outfile), { recursive: true })
  const order = opts.bytecodeOrder === false ? [] : bytecodeOrderFiles()
  const attempt = async (bytecode: boolean) => Bun.build({
    entrypoints: [entry, ...EXTRA_ENTRIES.map(e => resolve(REPO, e))],
    plugins: PLUGINS,
    target: 'bun',
    format: 'esm', // main.ts uses top-level await; bytecode would default to cjs
    minify: MINIFY,
    bytecode,
    metafile: true,
    define: defines(info),
    compile: {
      ...(opts.target != null ? { target: opts.target.bunTarget as Bun.Build.CompileTarget } : {}),
      outfile: opts.outfile,
      // A daemon must not pick up .env or bunfig.toml from whatever directory it starts in.
      autoloadDotenv: false,
      autoloadBunfig: false,
      // Profile-guided layout (release/bytecode-order.ts): less of the binary resident.
      bytecodeOrder: bytecode && order.length > 0 ? order : null,
      // Start-up code stays in the interpreter longer (tier-up thresholds ×8) instead of
      // leaving JIT code behind that never runs again; the node returns to the normal
      // policy once it is ready (src/daemon/engine-tuning.ts). Idle RSS −0.5 MB in two A/B runs.
      jitPolicy: STARTUP_JIT_POLICY,
    },
  })
  let bytecode = opts.bytecode ?? true
  let result
  try {
    result = await attempt(bytecode)
  } catch (err) {
    const why = err instanceof AggregateError ? formatLogs(err.errors) : String(err)
    if (!bytecode || !/bytecode/i.test(why)) throw err
    console.warn(`! bytecode build failed for ${opts.target?.name ?? 'host'}, retrying without bytecode:\n${why}`)
    bytecode = false
    result = await attempt(false)
  }
  if (!result.success) throw new Error(`build failed:\n${formatLogs(result.logs)}`)
  try {
    checkNoNativeAddons(result.metafile)
  } catch (err) {
    rmSync(opts.outfile, { force: true })
    throw err
  }
  // Bun appends .exe for windows targets when the outfile lacks it.
  const outfile = opts.target?.os === 'windows' && !opts.outfile.endsWith('.exe') ? `${opts.outfile}.exe` : opts.outfile
  return { outfile, bytes: statSync(outfile).size, ms: Math.round(performance.now() - t0), bytecode }
}

/** The POSIX launcher shipped with the node bundle: finds itself through symlinks, runs node. */
const SH_LAUNCHER = `#!/bin/sh
# Runs the portable Leither bundle on Node >= 22.13. LEITHER_NODE names another node binary.
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in /*) self=$link ;; *) self=$(dirname "$self")/$link ;; esac
done
dir=$(cd "$(dirname "$self")" && pwd) || exit 1
exec "\${LEITHER_NODE:-node}" "$dir/Leither.mjs" "$@"
`

function mjsLauncher (info: BuildInfo): string {
  return `#!/usr/bin/env node
// Leither ${info.version}${info.commit !== '' ? ` (${info.commit})` : ''}: the launcher of the portable bundle for Node >= 22.13.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write('Leither needs Node >= 22.13 (node:sqlite, Promise.withResolvers); this is ' + process.version + '\\n')
  process.exit(1)
}
// node:sqlite still prints an ExperimentalWarning on every start; it says nothing to a user.
const emitWarning = process.emitWarning
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type
  if (type === 'ExperimentalWarning' && String(warning?.message ?? warning).includes('SQLite')) return
  return emitWarning.call(process, warning, ...rest)
}
await import('./lib/main.js')
`
}

export interface NodeBundleOptions {
  outdir?: string
  entry?: string
  info?: BuildInfo
}

/**
 * The Node >= 22 fallback: an ESM bundle split into chunks, so the daemon's dynamic imports
 * stay lazy; bun:* builtins stay external (the store picks node:sqlite at run time).
 */
export async function buildNodeBundle (opts: NodeBundleOptions = {}): Promise<{ outdir: string, bytes: number, ms: number, files: number }> {
  const t0 = performance.now()
  const info = opts.info ?? buildInfo()
  const outdir = opts.outdir ?? join(DIST, 'node')
  rmSync(outdir, { recursive: true, force: true })
  const entry = resolve(opts.entry ?? DEFAULT_ENTRY)
  const result = await Bun.build({
    entrypoints: [entry, ...EXTRA_ENTRIES.map(e => resolve(REPO, e))],
    outdir: join(outdir, 'lib'),
    naming: { entry: '[name].js', chunk: 'chunk-[hash].js', asset: '[name]-[hash].[ext]' },
    plugins: PLUGINS,
    target: 'node',
    format: 'esm',
    splitting: true,
    minify: MINIFY,
    external: ['bun', 'bun:*'],
    metafile: true,
    define: defines(info),
  })
  if (!result.success) throw new Error(`node bundle failed:\n${formatLogs(result.logs)}`)
  checkNoNativeAddons(result.metafile)
  const main = result.outputs.find(o => o.kind === 'entry-point' && /[\\/]main\.js$/.test(o.path))
  if (main == null) throw new Error(`node bundle has no lib/main.js; outputs: ${result.outputs.map(o => relative(outdir, o.path)).join(', ')}`)
  writeFileSync(join(outdir, 'Leither.mjs'), mjsLauncher(info))
  writeFileSync(join(outdir, 'Leither'), SH_LAUNCHER)
  chmodSync(join(outdir, 'Leither.mjs'), 0o755)
  chmodSync(join(outdir, 'Leither'), 0o755)
  const bytes = result.outputs.reduce((n, o) => n + o.size, 0)
  return { outdir, bytes, ms: Math.round(performance.now() - t0), files: result.outputs.length }
}

/** Runs `<binary> version` and returns its first line: a built host binary must at least start. */
export function smokeTest (binary: string): string {
  const r = spawnSync(binary, ['version'], { encoding: 'utf8', timeout: 30_000, cwd: dirname(binary) })
  if (r.status !== 0) throw new Error(`${binary} version exited with ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`)
  return r.stdout.trim().split('\n')[0] ?? ''
}

/**
 * Starts `<binary> run` on a temp root (loopback only, no LAN, no UPnP, any free ports), waits
 * for its api file, stops it with SIGTERM and says how long it took to get ready. This loads
 * the whole network stack, so a module that cannot work inside a compiled binary shows here.
 */
export async function smokeRun (binary: string, timeoutMs = 30_000, logLevel = 'warn'): Promise<{ readyMs: number, output: string }> {
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const root = mkdtempSync(join(tmpdir(), 'leither-smoke-'))
  let node: LoopbackNode | undefined
  try {
    node = await startLoopbackNode(binary, root, { env: { LEITHER_LOG: logLevel }, timeoutMs })
    const res = await fetch(`${node.api}/`, { signal: AbortSignal.timeout(10_000) })
    if (!res.ok) throw new Error(`${binary} run answered GET ${node.api}/ with ${res.status}:\n${node.output()}`)
    await res.arrayBuffer()
    const code = await node.stop()
    if (code !== 0) throw new Error(`${binary} run did not stop cleanly on SIGTERM (exit ${code}):\n${node.output()}`)
    return { readyMs: node.readyMs, output: node.output() }
  } finally {
    if (node != null && node.child.exitCode == null) node.child.kill('SIGKILL')
    rmSync(root, { recursive: true, force: true })
  }
}

function parseArgs (argv: string[]) {
  const o = { targets: [] as string[], all: false, node: false, bytecode: true, bytecodeOrder: true, check: true, entry: process.env.LEITHER_ENTRY, outfile: undefined as string | undefined }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]
      if (v == null || v === '') throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--all') o.all = true
    else if (a === '--node') o.node = true
    else if (a === '--no-bytecode') o.bytecode = false
    else if (a === '--no-bytecode-order') o.bytecodeOrder = false
    else if (a === '--no-check') o.check = false
    else if (a === '--target' || a.startsWith('--target=')) o.targets.push(...value().split(','))
    else if (a === '--entry' || a.startsWith('--entry=')) o.entry = value()
    else if (a === '--outfile' || a.startsWith('--outfile=')) o.outfile = value()
    else if (a === '-h' || a === '--help') {
      console.log(readFileSync(import.meta.path, 'utf8').split('*/')[0]!.replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''))
      process.exit(0)
    } else throw new Error(`unknown argument "${a}" (see --help)`)
  }
  if (o.entry === '') o.entry = undefined
  return o
}

async function main (argv: string[]): Promise<void> {
  const o = parseArgs(argv)
  const info = buildInfo()
  const entry = o.entry != null ? resolve(o.entry) : DEFAULT_ENTRY
  console.log(`Leither ${info.version} ${info.commit || '(no commit)'}  entry ${shown(entry)}`)
  const targets = o.all ? loadTargets() : o.targets.map(findTarget)
  const wantNode = o.node || targets.some(t => t.kind === 'node')
  for (const t of targets.filter(t => t.kind === 'bun')) {
    const r = await buildExecutable({ target: t, outfile: join(DIST, t.name, t.binary), entry, bytecode: o.bytecode, bytecodeOrder: o.bytecodeOrder, info })
    console.log(`built ${shown(r.outfile)}  ${mib(r.bytes)}  ${r.ms} ms${r.bytecode ? '' : '  (no bytecode)'}`)
  }
  if (wantNode) {
    const r = await buildNodeBundle({ entry, info })
    console.log(`built ${shown(r.outdir)}/  ${r.files} files  ${mib(r.bytes)}  ${r.ms} ms`)
  }
  if (targets.length === 0 && !o.node) {
    const outfile = resolve(o.outfile ?? join(DIST, 'Leither'))
    const r = await buildExecutable({ outfile, entry, bytecode: o.bytecode, bytecodeOrder: o.bytecodeOrder, info })
    console.log(`built ${shown(r.outfile)}  ${mib(r.bytes)}  ${r.ms} ms${r.bytecode ? '' : '  (no bytecode)'}`)
    if (o.check && entry === DEFAULT_ENTRY) {
      console.log(`check: ${shown(r.outfile)} version -> ${smokeTest(r.outfile)}`)
      const run = await smokeRun(r.outfile, 30_000, 'debug')
      const share = profiledShare(run.output)
      const layout = share == null ? 'no bytecode layout profile' : `${(share * 100).toFixed(1)}% of start-up's functions laid out by the profile`
      console.log(`check: ${shown(r.outfile)} run -> ready in ${run.readyMs} ms, stopped cleanly; ${layout}`)
    }
  }
}

if (import.meta.main) {
  try {
    await main(process.argv.slice(2))
  } catch (err) {
    console.error(`build: ${err instanceof AggregateError ? formatLogs(err.errors) : (err as Error)?.message ?? err}`)
    process.exit(1)
  }
}
