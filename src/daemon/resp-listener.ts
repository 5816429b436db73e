/**
 * Starts the Redis protocol listener for a node. A taken port is not fatal:
 * a machine may already run Redis on 6379, and the node is still useful
 * without its RESP port — the log says so and ports.json has no `resp`.
 */
import type { SystemVars } from '../config/index.ts'
import type { LeitherNode } from '../node/node.ts'
import { RespServer } from '../db/server.ts'
import { logger } from '../utils/logger.ts'

const log = logger('resp')

/** `onActivity` is told of client traffic (the idle collector). */
export async function startResp(node: LeitherNode, config: SystemVars, onActivity?: () => void): Promise<RespServer | undefined> {
  if (config.NOStart.map(s => s.toLowerCase()).includes('resp')) return undefined
  const server = new RespServer({
    bind: config.RespBind,
    port: config.RespPort,
    password: config.RespPassword === '' ? undefined : config.RespPassword,
    maxClients: config.RespMaxClients,
    maxBulkBytes: config.RespMaxBulkBytes,
    open: name => node.databases.open(name),
    onActivity,
  })
  try {
    await server.start()
  } catch (err: any) {
    log.warn(`Redis protocol port ${config.RespBind}:${config.RespPort} not opened (${err?.message ?? err}); set RespPort in SystemVars.json or --resp-port`)
    return undefined
  }
  return server
}
