/**
 * A Leither node: its root, config, key, stores and the IPFS/libp2p stack.
 * Built by the daemon (the composition root) and handed to every command
 * handler; transports never build one themselves.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createHeliaLight } from 'helia'
import { withLibp2pLight } from '@helia/libp2p'
import { withBitswap } from '@helia/bitswap'
import { unixfs, type UnixFS } from '@helia/unixfs'
import type { Ed25519PrivateKey, Libp2p } from '@libp2p/interface'
import type { Helia } from 'helia'
import type { SystemVars } from '../config/index.ts'
import { AddressFilter } from '../net/address-filter.ts'
import { ContentAnnouncer } from '../net/content-announcer.ts'
import { MiMeiService } from '../mimei/mimei-service.ts'
import { MiMeiNetwork } from '../mimei/mimei-network.ts'
import { MiMeiStore } from '../mimei/mimei-store.ts'
import { MiMeiDatabases } from '../mimei/mimei-db.ts'
import { DbAutoBackup } from '../mimei/db-auto-backup.ts'
import { MIMEI_NAMESPACE, mimeiSelector, mimeiValidator } from '../mimei/mimei-record.ts'
import { libp2pOptions, loadLanServices, type LanServices } from '../net/libp2p-options.ts'
import { shortIdFromPublicKey } from '../pki/index.ts'
import { SqliteBlockstore, SqliteDatastore } from '../store/index.ts'
import { MutableFileTree } from '../ipfs/mfs.ts'
import { VERSION } from '../version.ts'
import { TokenStore } from '../access/index.ts'
import { concatBytes } from '../utils/bytes.ts'

export interface LeitherNodeInit {
  root: string
  config: SystemVars
  privateKey: Ed25519PrivateKey
}

/** Where the node keeps its data inside the root. */
export function dataDir(root: string): string {
  return join(root, 'data')
}

export class LeitherNode {
  readonly root: string
  readonly config: SystemVars
  readonly privateKey: Ed25519PrivateKey
  /** The 27-character short ID (SPEC §2). */
  readonly id: string
  readonly blocks: SqliteBlockstore
  readonly data: SqliteDatastore
  readonly helia: Helia & { libp2p: Libp2p<any> }
  readonly unixfs: UnixFS
  /** The mutable file tree (`files`, kubo's MFS). */
  readonly files: MutableFileTree
  /** The swarm address blacklist, live: the connection gater reads it on every dial. */
  readonly filter: AddressFilter
  /** Provider records for what this node adds. */
  readonly announcer: ContentAnnouncer
  /** MiMei containers on this node, and their network duties. */
  readonly mimei: MiMeiService
  readonly mimeiNet: MiMeiNetwork
  /** Redis-compatible databases: the default one and db MiMei. */
  readonly databases: MiMeiDatabases
  /** Access tokens the owner gave to browsers and remote callers. */
  readonly tokens: TokenStore
  private readonly autoBackup: DbAutoBackup
  readonly startedAt = Date.now()

  private constructor(init: LeitherNodeInit, blocks: SqliteBlockstore, data: SqliteDatastore, mimeiStore: MiMeiStore, lan: LanServices) {
    this.root = init.root
    this.config = init.config
    this.privateKey = init.privateKey
    this.id = shortIdFromPublicKey(init.privateKey.publicKey.raw)
    this.blocks = blocks
    this.data = data
    const agent = `leither/${VERSION}`
    const helia = createHeliaLight({ blockstore: blocks, datastore: data })
    this.filter = new AddressFilter(init.config.Filters)
    this.helia = withBitswap(withLibp2pLight(helia, libp2pOptions({
      privateKey: init.privateKey,
      config: init.config,
      filter: this.filter,
      agentVersion: agent,
      version: VERSION,
      records: { validators: { [MIMEI_NAMESPACE]: mimeiValidator }, selectors: { [MIMEI_NAMESPACE]: mimeiSelector } },
      lan,
    }) as any)) as any
    this.unixfs = unixfs(this.helia)
    this.files = new MutableFileTree({ blockstore: this.helia.blockstore, datastore: data })
    this.announcer = new ContentAnnouncer((cid, options) => this.helia.routing.provide(cid, options))
    this.mimei = new MiMeiService({ store: mimeiStore, helia: this.helia, nodeId: this.id })
    this.tokens = new TokenStore(join(dataDir(init.root), 'tokens.json'))
    this.databases = new MiMeiDatabases({ dir: join(dataDir(init.root), 'db'), helia: this.helia, service: this.mimei, nodeId: this.id })
    this.mimeiNet = new MiMeiNetwork({
      service: this.mimei,
      libp2p: () => this.helia.libp2p,
      privateKey: init.privateKey,
      nodeId: this.id,
      announce: cid => this.announcer.announce(cid, true),
      pollIntervalMs: init.config.MiMeiPollSeconds * 1000,
      followDb: (mid, versions, signal) => this.databases.follow(mid, versions, signal),
      blocks: {
        read: async cid => this.blocks.has(cid) ? concatBytes([...this.blocks.get(cid)]) : undefined,
        write: async (cid, bytes) => { await this.helia.blockstore.put(cid, bytes) },
      },
    })
    this.autoBackup = new DbAutoBackup({
      store: mimeiStore,
      databases: this.databases,
      nodeId: this.id,
      intervalMs: init.config.DbBackupSeconds * 1000,
      publish: (mid, eolMs) => this.mimeiNet.publish(mid, eolMs),
    })
  }

  /** Opens the stores under the root; the network starts with start(). */
  static async open(init: LeitherNodeInit): Promise<LeitherNode> {
    const dir = dataDir(init.root)
    await mkdir(dir, { recursive: true })
    const blocks = new SqliteBlockstore(join(dir, 'blocks.db'))
    const data = new SqliteDatastore(join(dir, 'datastore.db'))
    const mimeiStore = new MiMeiStore(join(dir, 'mimei.db'))
    return new LeitherNode(init, blocks, data, mimeiStore, await loadLanServices(init.config))
  }

  get libp2p(): Libp2p<any> {
    return this.helia.libp2p
  }

  /** The libp2p PeerId (the long ID). */
  get peerId(): string {
    return this.libp2p.peerId.toString()
  }

  async start(): Promise<void> {
    await this.helia.start()
    await this.databases.init()
    await this.mimeiNet.start()
    this.autoBackup.start()
  }

  async stop(): Promise<void> {
    this.announcer.stop()
    await this.autoBackup.stop()
    this.mimeiNet.stop()
    try {
      await this.helia.stop()
    } finally {
      this.blocks.close()
      this.data.close()
      this.databases.closeAll()
      this.mimei.store.close()
    }
  }
}
