import { afterAll, describe, expect, test } from 'bun:test'
import { chmod, readFile, stat, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { removeRoot, runCli, startNode, tempRoot, writeTestConfig, type TestNode } from './harness/node.ts'

const roots: string[] = []
const nodes: TestNode[] = []
afterAll(async () => {
  for (const n of nodes) await n.stop()
  for (const r of roots) await removeRoot(r)
})

async function root() {
  const r = await tempRoot()
  roots.push(r)
  return r
}

describe('a node started in a fresh root', () => {
  test('creates its config, key and run files, and answers its CLI', async () => {
    const node = await startNode({ root: await root() })
    nodes.push(node)
    const vars = JSON.parse(await readFile(join(node.root, 'SystemVars.json'), 'utf8'))
    expect(vars.ServicePort).toBe(8000)
    expect(vars.RespPort).toBe(6379)
    expect(Array.isArray(vars.Bootstrap)).toBe(true)
    expect((await stat(join(node.root, 'hostkey.cfg'))).mode & 0o777).toBe(0o600)
    expect(await readFile(join(node.root, 'hostkey.cfg'), 'utf8')).toMatch(/^pk=\S+\nsk=\S+\n$/)
    expect(node.apiUrl).toBe(`http://127.0.0.1:${node.ports.http}`)
    expect(node.ports.swarm.some(a => a.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true)

    const id = await node.cli('lpki', 'id')
    expect(id.code).toBe(0)
    expect(id.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{27}$/)
    const swarmId = await node.cli('swarm', 'id')
    expect(swarmId.code).toBe(0)
    const [short, peer] = swarmId.stdout.trim().split('\n')
    expect(short).toBe(id.stdout.trim())
    expect(peer).toMatch(/^12D3KooW\w{44}$/)
    const json = JSON.parse((await node.cli('swarm', 'id', '--json')).stdout)
    expect(json.ShortID).toBe(short)
    expect(json.ID).toBe(peer)

    const local = await node.cli('swarm', 'local')
    expect(local.stdout).toContain(`/ip4/127.0.0.1/tcp/`)
  })

  test('refuses a second start on the same root with a clear message', async () => {
    const first = nodes[0]!
    await writeTestConfig(first.root)
    const second = await runCli(['run', '--root', first.root, '--port', '0', '--swarm-port', '0', '--no-lan'])
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('already running')
    expect(existsSync(join(first.root, 'api'))).toBe(true)
  })

  test('stops with `Leither stop` and removes api and ports.json', async () => {
    const node = await startNode({ root: await root() })
    const stop = await node.cli('stop')
    expect(stop.code).toBe(0)
    expect(stop.stdout).toContain('node stopped')
    expect(await node.stop()).toBe(0)
    expect(existsSync(join(node.root, 'api'))).toBe(false)
    expect(existsSync(join(node.root, 'ports.json'))).toBe(false)
    // the same root starts again with the same identity
    const again = await startNode({ root: node.root })
    nodes.push(again)
    expect((await again.cli('lpki', 'id')).stdout).toBe((await node.cli('lpki', 'id')).stdout)
  })

  test('detaches with run -d and is stopped by `Leither stop`', async () => {
    const r = await root()
    await writeTestConfig(r)
    const started = await runCli(['run', '-d', '--root', r, '--port', '0', '--swarm-port', '0', '--no-lan'])
    expect(started.code).toBe(0)
    expect(started.stdout).toMatch(/node started {2}pid= \d+ {2}api= http:\/\/127\.0\.0\.1:\d+/)
    expect(existsSync(join(r, 'api'))).toBe(true)
    const version = await runCli(['--root', r, 'swarm', 'id'])
    expect(version.code).toBe(0)
    const stopped = await runCli(['stop', '--root', r])
    expect(stopped.code).toBe(0)
    expect(existsSync(join(r, 'api'))).toBe(false)
  })
})

describe('a node that cannot start', () => {
  test('says which port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>(res => blocker.listen(0, '0.0.0.0', () => res()))
    const port = (blocker.address() as any).port
    try {
      const r0 = await root()
      await writeTestConfig(r0)
      const r = await runCli(['run', '--root', r0, '--port', String(port), '--swarm-port', '0', '--no-lan'])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`port ${port} is already in use`)
    } finally {
      blocker.close()
    }
  })

  test('names a corrupt SystemVars.json and leaves it untouched', async () => {
    const r = await root()
    await writeFile(join(r, 'SystemVars.json'), '{"ServicePort": 8000,,}')
    const res = await runCli(['run', '--root', r, '--port', '0'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('SystemVars.json')
    expect(await readFile(join(r, 'SystemVars.json'), 'utf8')).toBe('{"ServicePort": 8000,,}')
    expect(existsSync(join(r, 'repo.lock'))).toBe(false)
  })

  test('says the root is not writable', async () => {
    const r = await root()
    const file = join(r, 'plain-file')
    await writeFile(file, 'x')
    const res = await runCli(['run', '--root', join(file, 'node'), '--port', '0'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('is not a writable directory')
    await chmod(file, 0o644)
  })
})

describe('the CLI', () => {
  test('says in one line that no node is running, and how to start one', async () => {
    const r = await root()
    const res = await runCli(['--root', r, 'swarm', 'peers'])
    expect(res.code).toBe(1)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toContain('no Leither node is running')
    expect(res.stderr).toContain('Leither run -d')
  })

  test('answers unknown commands and flags with usage and exit code 2', async () => {
    const unknown = await runCli(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command "frobnicate"')
    const flag = await runCli(['lpki', 'genkey', '--frobnicate'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('Unknown option `--frobnicate`')
    const missing = await runCli(['ipfs', 'cat'])
    expect(missing.code).toBe(2)
  })

  test('prints the version without a node', async () => {
    const res = await runCli(['version'])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^Leither version \d+\.\d+\.\d+/)
    expect(JSON.parse((await runCli(['version', '--json'])).stdout).Version).toMatch(/^\d+\.\d+\.\d+/)
  })

  test('manages key files with lpki genkey, genpk and show', async () => {
    const r = await root()
    const gen = await runCli(['lpki', 'genkey', '-o', join(r, 'my.key')])
    expect(gen.code).toBe(0)
    const id = /^id= (\S{27})$/m.exec(gen.stdout)![1]
    expect(gen.stdout).toContain(`create key to file [${join(r, 'my.key')}] ok`)
    expect((await stat(join(r, 'my.key'))).mode & 0o777).toBe(0o600)
    const pub = await runCli(['lpki', 'genpk', '-i', join(r, 'my.key'), '-o', join(r, 'my.pub')])
    expect(pub.stdout).toMatch(/^Public Key = pk=[\w-]{43}=$/m)
    const show = await runCli(['lpki', 'show', '-i', join(r, 'my.pub')])
    expect(show.stdout).toContain('file type is PublicKey')
    expect(show.stdout).toContain(`id= ${id}`)
    expect((await runCli(['lpki', 'id', join(r, 'my.pub')])).stdout.trim()).toBe(id)
    const again = await runCli(['lpki', 'genkey', '-o', join(r, 'my.key')])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already exists')
  })
})

describe('engine settings', () => {
  const environ = async (pid: number) => (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0')

  test('the node re-executes itself in place with the FTL tier off, unless the user set it', async () => {
    if (process.platform !== 'linux') return
    const node = await startNode({ root: await root() })
    nodes.push(node)
    // The process we spawned is the node (same pid), now running with the setting.
    expect(await environ(node.process.pid!)).toContain('BUN_JSC_useFTLJIT=0')
    expect(await environ(node.process.pid!)).toContain('BUN_JSC_useEagerCodeBlockJettisonTiming=1')
    expect((await node.api('id')).status).toBe(200)
    const own = await startNode({ root: await root(), env: { BUN_JSC_useFTLJIT: '1' } })
    nodes.push(own)
    expect(await environ(own.process.pid!)).toContain('BUN_JSC_useFTLJIT=1')
    expect((await own.api('id')).status).toBe(200)
  })
})
