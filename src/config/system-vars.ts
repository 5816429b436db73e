/**
 * SystemVars.json: the node's config (SPEC §1). Created with defaults on first
 * start; never overwritten when it is unreadable, so a typo cannot cost a user
 * their settings. Unknown keys are kept, so newer versions' keys survive.
 */
import { readFile, writeFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
// zod/mini: the same validation with tree-shakable functions instead of methods, so the
// binary carries (and a node touches at start) a fraction of zod's code.
import { z } from 'zod/mini'
import english from 'zod/v4/locales/en.js'
import { InvalidInputError, UnavailableError } from '../utils/errors.ts'

export const SYSTEM_VARS_FILE = 'SystemVars.json'

// zod/mini carries no messages of its own; without these a bad value says only "Invalid input".
z.config(english())

const port = z.int().check(z.minimum(0), z.maximum(65535))
const positive = z.number().check(z.positive())
const positiveInt = z.int().check(z.positive())
const strings = z.array(z.string())
/** A key's schema with its default: SystemVars.json gains missing keys with these. */
const or = <T extends z.ZodMiniType>(schema: T, value: z.output<T>) => z._default(schema, value as any)

export const SystemVarsSchema = z.looseObject({
  /** HTTP port: API, gateway, apps (0 = any free port). */
  ServicePort: or(port, 8000),
  /** libp2p TCP port; null = ServicePort + 1 (or any free port when ServicePort is 0). */
  SwarmPort: or(z.nullable(port), null),
  /** Multiaddrs (with /p2p/<peer>) to join the network through. */
  Bootstrap: or(strings, []),
  /** mDNS discovery and the LAN DHT. */
  LAN: or(z.boolean(), true),
  /** Public addresses (IPs or multiaddrs) to announce besides the detected ones. */
  FixedAddr: or(strings, []),
  /** CIDR blacklist for inbound and outbound connections. */
  Filters: or(strings, []),
  /** Redis protocol port (0 = any free port). */
  RespPort: or(port, 6379),
  /** Address the Redis protocol binds to; loopback unless the owner opens it. */
  RespBind: or(z.string(), '127.0.0.1'),
  /** Redis AUTH password; empty = no password (the port is loopback-only by default). */
  RespPassword: or(z.string(), ''),
  /** Most Redis protocol clients at once. */
  RespMaxClients: or(positiveInt, 10_000),
  /** Largest bulk string a Redis client may send, in bytes (Redis's proto-max-bulk-len). */
  RespMaxBulkBytes: or(positiveInt, 512 * 1024 * 1024),
  /** Subsystems not to start (e.g. "resp", "mdns", "dht"). */
  NOStart: or(strings, []),
  /** Largest HTTP request body the API accepts, in bytes. */
  MaxBodyBytes: or(positiveInt, 4 * 1024 * 1024 * 1024),
  /** Browser origins (scheme://host:port) allowed to call the API. */
  APIAllowOrigins: or(strings, []),
  /** Seconds the gateway waits for content before answering 504. */
  GatewayTimeout: or(positive, 30),
  /** libp2p listen multiaddrs; null = TCP on SwarmPort, IPv4 and IPv6. */
  SwarmListen: or(z.nullable(strings), null),
  /** Relays (multiaddrs with /p2p/) to listen through when this node is not reachable directly. */
  Relays: or(strings, []),
  /** Serve as a circuit relay v2 for other nodes. */
  RelayService: or(z.boolean(), true),
  /** Most relay reservations this node grants at once. */
  RelayMaxReservations: or(z.int().check(z.minimum(0)), 15),
  /**
   * Cap relayed connections at 2 minutes / 128 KiB as go-libp2p does. Off by
   * default: a capped connection is "limited" and carries no bitswap, and
   * Leither's home nodes must serve content through a relay.
   */
  RelayLimited: or(z.boolean(), false),
  /** Ask the router to forward the swarm port (UPnP IGD). */
  UPnP: or(z.boolean(), true),
  /** Which addresses the DHTs keep: all, only public ("wan") or only private ("lan"). */
  DHTScope: or(z.enum(['all', 'wan', 'lan']), 'all'),
  /** Seconds between a provider's DHT checks for MiMei publishes it missed. */
  MiMeiPollSeconds: or(positive, 60),
  /**
   * Every so many seconds, back up each database MiMei this node authors that
   * changed since its last version, and publish the new version if the MiMei
   * is published. 0 = only on `mimei backup`.
   */
  DbBackupSeconds: or(z.number().check(z.nonnegative()), 0),
  /** Connection manager: most open connections. */
  MaxConnections: or(positiveInt, 300),
  /** Most streams one peer may open on one connection. */
  MaxStreamsPerPeer: or(positiveInt, 256),
})

export type SystemVars = z.infer<typeof SystemVarsSchema>

export function defaultSystemVars(): SystemVars {
  return SystemVarsSchema.parse({})
}

/** Validates a parsed JSON value; `file` names the source in errors. */
export function parseSystemVars(value: unknown, file = SYSTEM_VARS_FILE): SystemVars {
  const result = SystemVarsSchema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]!
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
    throw new InvalidInputError(`config file "${file}" is invalid at ${where}: ${issue.message}`)
  }
  return result.data
}

/**
 * Reads the root's SystemVars.json, creating it with defaults when missing.
 * A file that exists but does not parse is an error naming the file.
 */
export async function loadSystemVars(root: string): Promise<SystemVars> {
  const file = join(root, SYSTEM_VARS_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err: any) {
    if (err?.code !== 'ENOENT') throw new UnavailableError(`cannot read config file "${file}": ${err?.message ?? err}`)
    const vars = defaultSystemVars()
    await saveSystemVars(root, vars)
    return vars
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err: any) {
    throw new InvalidInputError(`config file "${file}" is not valid JSON: ${err?.message ?? err}`)
  }
  const vars = parseSystemVars(json, file)
  // A config from an older version gains the new keys with their defaults,
  // so every setting is visible in the file; values already there are kept.
  const missing = Object.keys(SystemVarsSchema.shape).some(k => !(k in (json as object)))
  if (missing) await saveSystemVars(root, vars)
  return vars
}

/** Writes atomically (temp file + rename), so a crash never leaves half a config. */
export async function saveSystemVars(root: string, vars: SystemVars): Promise<void> {
  const file = join(root, SYSTEM_VARS_FILE)
  const tmp = `${file}.tmp-${process.pid}`
  try {
    await writeFile(tmp, JSON.stringify(vars, null, 2) + '\n')
    await rename(tmp, file)
  } catch (err: any) {
    throw new UnavailableError(`cannot write config file "${file}": ${err?.message ?? err}`)
  }
}

/** The swarm port a config asks for, after the ServicePort+1 rule. */
export function swarmPortOf(vars: SystemVars): number {
  if (vars.SwarmPort != null) return vars.SwarmPort
  return vars.ServicePort === 0 ? 0 : vars.ServicePort + 1
}

let updating: Promise<unknown> = Promise.resolve()

/**
 * Changes one part of the file a running node was started from, without
 * writing that run's flag overrides (--port 0 …) into it. Calls are serialised.
 */
export async function updateSystemVars(root: string, change: (vars: SystemVars) => SystemVars): Promise<SystemVars> {
  const next = updating.then(async () => {
    const vars = change(await loadSystemVars(root))
    await saveSystemVars(root, parseSystemVars(vars, join(root, SYSTEM_VARS_FILE)))
    return vars
  })
  updating = next.catch(() => {})
  return next
}
