/**
 * The files a running node leaves for its CLI and for scripts: `api` (one
 * line, the HTTP API's base URL) and `ports.json` (every bound listener).
 * Both are written when the node is ready and removed on clean stop.
 */
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const API_FILE = 'api'
export const PORTS_FILE = 'ports.json'

export interface Ports {
  /** HTTP port (API, gateway, apps). */
  http: number
  /** libp2p listen multiaddrs as bound. */
  swarm: string[]
  /** Redis protocol port, when that listener runs. */
  resp?: number
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, text)
  await rename(tmp, path)
}

export async function writeRunFiles(root: string, apiUrl: string, ports: Ports): Promise<void> {
  await writeAtomic(join(root, PORTS_FILE), JSON.stringify(ports, null, 2) + '\n')
  // `api` last: its presence means "ready".
  await writeAtomic(join(root, API_FILE), apiUrl + '\n')
}

export async function removeRunFiles(root: string): Promise<void> {
  await unlink(join(root, API_FILE)).catch(() => {})
  await unlink(join(root, PORTS_FILE)).catch(() => {})
}

/** The base URL in the root's `api` file, if there is one. */
export async function readApiFile(root: string): Promise<string | undefined> {
  try {
    const text = (await readFile(join(root, API_FILE), 'utf8')).trim()
    return text === '' ? undefined : text
  } catch {
    return undefined
  }
}
