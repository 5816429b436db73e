/**
 * Profile-guided layout of the compiled binary's bytecode (Bun's `--bytecode-order`).
 *
 * A bytecode build stores every function of the bundle in the executable; the
 * engine maps the file and reads a function's bytecode when it first runs. Laid
 * out in bundle order, the functions a node runs are spread over the whole
 * bytecode section, so the node keeps pages of it resident that are mostly other
 * code. With a profile, Bun puts the functions a recorded run used first, together:
 * fewer pages touched, less of the binary resident (BENCHMARKS.md, footprint:
 * idle RSS 71.4 → 66.0 MB, after 10k blocks + 1k MiMei 81.2 → 75.9 MB).
 *
 * The profiles are committed (release/bytecode-order/*.order: one hash of a
 * function's syntax a line, no source) so that every build, cross builds included,
 * uses them without running anything. Functions are matched by syntax hash, so a
 * profile keeps applying while the code changes; functions that changed since are
 * placed after the recorded ones. Record again after large changes:
 *
 *   bun release/bytecode-order.ts      (make bytecode-order)
 *
 * It builds a binary without a profile, runs it the way a user's node runs (start,
 * idle, uploads, the gateway, MiMei versions pushed to a provider, a Redis client,
 * the CLI) and writes daemon.order (the node) and cli.order (one `ipfs add` from
 * the command line). All traffic stays on loopback.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLoopbackNode, type LoopbackNode } from './loopback-node.ts'
import { REPO } from './targets.ts'

export const ORDER_DIR = join(REPO, 'release/bytecode-order')
/** Most common way of starting first: the long-running node, then a CLI command. */
export const ORDER_FILES = ['daemon.order', 'cli.order']

/** The committed profiles that exist, in the order the build should use them. */
export function bytecodeOrderFiles (): string[] {
  return ORDER_FILES.map(f => join(ORDER_DIR, f)).filter(f => existsSync(f))
}

/**
 * Checks a profile's shape (Bun's v2 text format: a version line, then one entry a
 * line, a kind letter and a hash); returns how many entries it has.
 */
export function checkOrderFile (text: string): number {
  const lines = text.split('\n').filter(l => l !== '')
  if (lines[0] !== 'v2') throw new Error(`not a v2 bytecode order profile (first line ${JSON.stringify(lines[0])})`)
  const bad = lines.slice(1).find(l => !/^[A-Z] [0-9a-f]{1,16}$/.test(l))
  if (bad != null) throw new Error(`unexpected line in bytecode order profile: ${JSON.stringify(bad)}`)
  if (lines.length < 2) throw new Error('empty bytecode order profile')
  return lines.length - 1
}

/**
 * The share of functions a node loaded from the profiled part of the layout, as its
 * debug log says at start-up (src/daemon/bytecode-layout.ts); null when it says nothing
 * (a binary built without profiles).
 */
export function profiledShare (log: string): number | null {
  const m = /bytecode layout: \d+ functions loaded, ([\d.]+)% from the profiled part/.exec(log)
  return m == null ? null : Number(m[1]) / 100
}

async function call (node: LoopbackNode, path: string, args: string[] = [], query: Record<string, string> = {}, body?: FormData): Promise<Response> {
  const url = new URL(`${node.api}/api/v0/${path}`)
  for (const a of args) url.searchParams.append('arg', a)
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  const res = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(60_000) })
  if (res.status !== 200) throw new Error(`${path} ${args.join(' ')}: HTTP ${res.status} ${await res.text()}`)
  return res
}

function fileForm (name: string, bytes: Uint8Array): FormData {
  const form = new FormData()
  form.append('file', new Blob([bytes]), name)
  return form
}

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const bigRandom = (n: number) => { const out = new Uint8Array(n); for (let i = 0; i < n; i += 65_536) out.set(random(Math.min(65_536, n - i)), i); return out }

/** Sends Redis commands over one connection, each after the last reply arrived. */
async function redis (port: number, commands: string[][]): Promise<void> {
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  try {
    for (const cmd of commands) {
      const reply = new Promise<void>(resolve => socket.once('data', () => resolve()))
      socket.write(`*${cmd.length}\r\n${cmd.map(a => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`)
      await reply
    }
  } finally {
    socket.destroy()
  }
}

/** What a user's node does in its first minutes, against `node`, with `peer` as a provider. */
async function daemonWorkload (node: LoopbackNode, peer: LoopbackNode, quietMs: number): Promise<void> {
  await Bun.sleep(quietMs) // the idle collector's first step runs 5 s after start-up
  for (const path of ['/', '/api/v0/openapi.json', '/leither.js']) await (await fetch(`${node.api}${path}`)).arrayBuffer()
  for (const p of ['id', 'version', 'swarm/peers', 'repo/stat', 'pin/ls']) await (await call(node, p)).text()

  const cids: string[] = []
  for (const [size, query] of [[1024, {}], [1 << 20, { 'cid-version': '1' }], [3 << 20, {}]] as const) {
    const lines = (await (await call(node, 'add', [], query, fileForm(`f${size}`, bigRandom(size)))).text()).trim().split('\n')
    cids.push(JSON.parse(lines.at(-1)!).Hash)
  }
  for (let i = 0; i < 300; i++) await call(node, 'block/put', [], {}, fileForm('block', random(1024)))
  for (const cid of cids) {
    await (await call(node, 'cat', [cid])).arrayBuffer()
    for (let i = 0; i < 50; i++) await (await fetch(`${node.api}/ipfs/${cid}`)).arrayBuffer()
    await (await fetch(`${node.api}/ipfs/${cid}`, { headers: { Range: 'bytes=0-99' } })).arrayBuffer()
    await (await fetch(`${node.api}/ipfs/${cid}?format=car`)).arrayBuffer()
  }

  for (let i = 0; i < 100; i++) await (await call(node, 'mimei/create')).text()
  const mid = (await (await call(node, 'mimei/create')).json() as { MID: string }).MID
  await (await call(node, 'mimei/add', [mid], {}, fileForm('index.html', new TextEncoder().encode('<h1>Leither</h1>')))).text()
  await call(node, 'mimei/publish', [mid])
  await call(peer, 'mimei/provide', [mid])
  for (let v = 0; v < 10; v++) {
    await (await call(node, 'mimei/add', [mid], {}, fileForm('index.html', new TextEncoder().encode(`<h1>version ${v}</h1>`)))).text()
    await call(node, 'mimei/publish', [mid])
    for (let i = 0; i < 20; i++) await (await fetch(`${node.api}/mm/${mid}/index.html`)).arrayBuffer()
  }
  await (await call(node, 'mimei/versions', [mid])).text()
  await (await call(node, 'dht/findprovs', [cids[0]!], { 'num-providers': '1' })).text()

  const db = (await (await call(node, 'mimei/create', [], { type: 'db' })).json() as { MID: string }).MID
  const commands: string[][] = [['PING'], ['SELECT', db], ['INFO']]
  for (let i = 0; i < 200; i++) {
    commands.push(['SET', `k${i}`, `v${i}`], ['GET', `k${i}`], ['INCR', 'n'], ['LPUSH', 'l', `${i}`], ['HSET', 'h', `f${i}`, `${i}`], ['ZADD', 'z', `${i}`, `m${i}`])
  }
  commands.push(['EXPIRE', 'k1', '100'], ['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['EXEC'], ['SCAN', '0'], ['DEL', 'k0'])
  await redis(node.resp, commands)
  await call(node, 'mimei/publish', [db])
  await Bun.sleep(quietMs) // quiet again: the idle collector after a burst
}

/**
 * Records both profiles with `binary` (a bytecode build; without a profile, so the run
 * is not steered by an old one) into `outDir`. `quietMs`: the idle pauses of the workload.
 */
export async function recordBytecodeOrder (binary: string, outDir: string, opts: { quietMs?: number } = {}): Promise<{ daemon: string, cli: string }> {
  const work = mkdtempSync(join(tmpdir(), 'leither-order-'))
  const profiles = join(work, 'profiles')
  mkdirSync(profiles)
  let node: LoopbackNode | undefined
  let peer: LoopbackNode | undefined
  try {
    node = await startLoopbackNode(binary, join(work, 'node'), { env: { BUN_BYTECODE_ORDER_OUT: join(profiles, 'daemon-%p.order') } })
    peer = await startLoopbackNode(binary, join(work, 'peer'), { config: { Bootstrap: node.swarm.filter(a => a.startsWith('/ip4/127.0.0.1/')) } })
    await daemonWorkload(node, peer, opts.quietMs ?? 6_000)
    const file = join(work, 'upload.bin')
    writeFileSync(file, bigRandom(2 << 20))
    const cli = spawnSync(binary, ['--root', node.root, 'ipfs', 'add', file], {
      env: { ...process.env, LEITHER_LOG: 'warn', BUN_BYTECODE_ORDER_OUT: join(profiles, 'cli-%p.order') },
      encoding: 'utf8',
      timeout: 60_000,
    })
    if (cli.status !== 0) throw new Error(`Leither ipfs add exited with ${cli.status}: ${cli.stdout}${cli.stderr}`)
    const code = await node.stop()
    if (code !== 0) throw new Error(`the recorded node did not stop cleanly (exit ${code}), so its profile may be missing:\n${node.output()}`)
    const written = readdirSync(profiles)
    const pick = (prefix: string) => {
      const found = written.filter(f => f.startsWith(prefix))
      if (found.length !== 1) throw new Error(`expected one ${prefix}*.order profile, found ${found.length} (${written.join(', ')})`)
      const path = join(profiles, found[0]!)
      checkOrderFile(readFileSync(path, 'utf8'))
      return path
    }
    const out = { daemon: join(outDir, 'daemon.order'), cli: join(outDir, 'cli.order') }
    const [daemon, cliProfile] = [pick('daemon-'), pick('cli-')]
    mkdirSync(outDir, { recursive: true })
    copyFileSync(daemon, out.daemon)
    copyFileSync(cliProfile, out.cli)
    for (const path of Object.values(out)) chmodSync(path, 0o644) // Bun writes them 0600
    return out
  } finally {
    for (const n of [node, peer]) await n?.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  const { buildExecutable } = await import('./build.ts')
  const dir = mkdtempSync(join(tmpdir(), 'leither-order-build-'))
  try {
    const { outfile } = await buildExecutable({ outfile: join(dir, 'Leither'), bytecodeOrder: false })
    const out = await recordBytecodeOrder(outfile, ORDER_DIR)
    for (const path of Object.values(out)) console.log(`wrote ${path.slice(REPO.length + 1)}  ${checkOrderFile(readFileSync(path, 'utf8'))} entries`)
  } catch (err) {
    console.error(`bytecode-order: ${(err as Error)?.message ?? err}`)
    process.exitCode = 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
