/**
 * The composition root: lock the root, load config and key, build the node,
 * bind the listeners, write `api`/`ports.json`, and stop gracefully on a
 * signal or a shutdown call.
 */
import { access, constants, mkdir, stat } from 'node:fs/promises'
import { Hono } from 'hono'
import { loadSystemVars, type SystemVars } from '../config/index.ts'
import { LeitherNode } from '../node/node.ts'
import { loadOrCreateHostKey } from '../node/host-key.ts'
import { createApiRouter } from '../api/router.ts'
import { createIpfsGateway, createMiMeiGateway } from '../gateway/index.ts'
import { createBrowserApi } from '../browser/index.ts'
import { bytecodeLayout, describeLayout } from './bytecode-layout.ts'
import { endStartupJitPolicy } from './engine-tuning.ts'
import { IdleCollector } from './idle-collector.ts'
import { resolveMiMei } from './resolve-mimei.ts'
import { startResp } from './resp-listener.ts'
import { lockRoot } from './root-lock.ts'
import { listenHttp } from './http-listener.ts'
import { removeRunFiles, writeRunFiles } from './run-files.ts'
import { logger } from '../utils/logger.ts'
import { UnavailableError } from '../utils/errors.ts'

const log = logger('daemon')

/** Flags that override SystemVars.json for one run. */
export interface RunOverrides {
  port?: number
  swarmPort?: number
  respPort?: number
  bootstrap?: string[]
  noLan?: boolean
}

export function applyOverrides(vars: SystemVars, o: RunOverrides): SystemVars {
  return {
    ...vars,
    ...(o.port != null ? { ServicePort: o.port } : {}),
    ...(o.swarmPort != null ? { SwarmPort: o.swarmPort } : {}),
    ...(o.respPort != null ? { RespPort: o.respPort } : {}),
    ...(o.bootstrap != null ? { Bootstrap: o.bootstrap } : {}),
    ...(o.noLan === true ? { LAN: false } : {}),
  }
}

async function prepareRoot(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true })
    if (!(await stat(root)).isDirectory()) throw new Error('not a directory')
    await access(root, constants.W_OK)
  } catch (err: any) {
    throw new UnavailableError(`node root "${root}" is not a writable directory: ${err?.message ?? err}`)
  }
}

export interface RunningNode {
  node: LeitherNode
  apiUrl: string
  /** Resolves when the node has fully stopped. */
  stopped: Promise<void>
  stop(): Promise<void>
}

export async function startDaemon(root: string, overrides: RunOverrides = {}): Promise<RunningNode> {
  await prepareRoot(root)
  const lock = await lockRoot(root)
  // A node killed with -9 leaves its api and ports.json behind; they are not this run's.
  await removeRunFiles(root)
  const cleanups: Array<() => Promise<void>> = [() => lock.release()]
  const unwind = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(err => log.warn(`cleanup: ${err?.message ?? err}`))
  }
  try {
    const config = applyOverrides(await loadSystemVars(root), overrides)
    const privateKey = await loadOrCreateHostKey(root)
    const node = await LeitherNode.open({ root, config, privateKey })
    cleanups.push(() => node.stop())
    await node.start()

    let stopRequested: (() => void) | undefined
    const app = new Hono()
    const idle = new IdleCollector()
    cleanups.push(async () => { idle.stop() })
    let listener: Awaited<ReturnType<typeof listenHttp>> | undefined
    app.route('/', createApiRouter({
      node,
      remoteAddress: c => listener?.remoteAddress(c),
      shutdown: () => setTimeout(() => stopRequested?.(), 50),
      allowOrigins: config.APIAllowOrigins,
    }))
    app.route('/', createBrowserApi({ node, maxBodyBytes: config.MaxBodyBytes }))
    const ipfsGateway = createIpfsGateway({ blockstore: node.helia.blockstore, local: node.blocks, timeoutMs: config.GatewayTimeout * 1000 })
    app.route('/', ipfsGateway)
    app.route('/', createMiMeiGateway({ ipfs: ipfsGateway.handler, resolve: (mid, version, signal) => resolveMiMei(node, mid, version, signal, config.GatewayTimeout * 1000) }))
    app.get('/', c => c.text(`Leither node ${node.id}\nPeerId ${node.peerId}\n`))

    listener = await listenHttp(app, config.ServicePort, config.MaxBodyBytes, () => idle.touch())
    cleanups.push(() => listener!.close())
    const resp = await startResp(node, config, () => idle.touch())
    if (resp != null) cleanups.push(async () => { await resp.stop() })
    const apiUrl = `http://127.0.0.1:${listener.port}`
    // Logged before the run files exist, so whoever waits for them can read it.
    const layout = await bytecodeLayout()
    if (layout != null) log.debug(describeLayout(layout))
    cleanups.push(() => removeRunFiles(root))
    await writeRunFiles(root, apiUrl, {
      http: listener.port,
      swarm: node.libp2p.getMultiaddrs().map(a => a.toString()),
      ...(resp != null ? { resp: resp.port } : {}),
    })
    log.info(`node ${node.id} (${node.peerId}) ready: api ${apiUrl}, root ${root}`)
    endStartupJitPolicy()
    // Start-up leaves megabytes of garbage (module evaluation, the first DHT and identify
    // rounds): it is a burst like any other for the idle collector.
    idle.touch()

    let stopping: Promise<void> | undefined
    let markStopped!: () => void
    const stopped = new Promise<void>(resolve => { markStopped = resolve })
    const stop = () => {
      stopping ??= (async () => {
        log.info('stopping')
        await unwind()
        markStopped()
      })()
      return stopping
    }
    stopRequested = () => { void stop() }
    return { node, apiUrl, stopped, stop }
  } catch (err) {
    await unwind()
    throw err
  }
}
