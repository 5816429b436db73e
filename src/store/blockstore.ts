/**
 * An interface-blockstore on SQLite: one row per multihash, so the CIDv0 and CIDv1 of the same
 * bytes share storage, as in kubo.
 */
import { NotFoundError } from 'interface-store'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { WalCheckpointer } from './checkpoint.ts'
import { STORE_MIGRATIONS } from './schema.ts'
import { migrate, openDatabase } from './sqlite.ts'
import type { CheckpointPolicy } from './checkpoint.ts'
import type { OpenDatabaseOptions, SqliteDatabase, SqliteStatement } from './sqlite.ts'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import { concatBytes } from '../utils/bytes.ts'

interface AbortOptions { signal?: AbortSignal }

type BlockInput = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

/** Block count and payload bytes, for `repo stat`. */
export interface BlockstoreSize {
  blocks: number
  bytes: number
}

// Blocks are mostly 256 KiB overflow chains: 16 KiB pages wrote 256 MiB of them ~1.4x faster
// than SQLite's 4 KiB default for under 1% more file; 64 KiB pages were faster still but
// cost ~4% in space. Applies only when this store creates the file.
const PAGE_SIZE = 16 * 1024
// putMany reads this far ahead of what it has yielded, to write each batch in one transaction.
const BATCH_BLOCKS = 512
const BATCH_BYTES = 32 * 1024 * 1024
// getAll reads the block list in pages, so no read stays open across a yield.
const PAGE_ROWS = 512

/** How to open a blockstore's own file. */
export interface SqliteBlockstoreOptions extends OpenDatabaseOptions {
  /** When to checkpoint the WAL (see checkpoint.ts); only for a file this store opens. */
  checkpoint?: Partial<CheckpointPolicy>
}

interface PendingBlock {
  cid: CID
  data: Uint8Array
}

interface ListedRow {
  id: number
  multihash: Uint8Array
  version: number
  codec: number
}

/** A Blockstore in a SQLite file; pass a path to own the file, or a database to share one. */
export class SqliteBlockstore implements Blockstore {
  private readonly db: SqliteDatabase
  private readonly ownsDb: boolean
  private readonly insert: SqliteStatement
  private readonly select: SqliteStatement
  private readonly exists: SqliteStatement
  private readonly remove: SqliteStatement
  private readonly list: SqliteStatement
  private readonly totals: SqliteStatement
  // Blocks are large, so SQLite's inline auto-checkpoint would cost most of a write; a shared
  // connection keeps the checkpoint settings of its owner.
  private readonly checkpointer: WalCheckpointer | undefined

  constructor (database: string | SqliteDatabase, options?: SqliteBlockstoreOptions) {
    this.ownsDb = typeof database === 'string'
    this.db = typeof database === 'string' ? openDatabase(database, { pageSize: PAGE_SIZE, ...options }) : database
    try {
      if (!this.db.readonly) migrate(this.db, STORE_MIGRATIONS)
      if (this.ownsDb && !this.db.readonly && isWal(this.db)) this.checkpointer = new WalCheckpointer(this.db, options?.checkpoint)
      // Storing a block twice is a no-op: the first CID's version and codec stay.
      this.insert = this.db.prepare('INSERT OR IGNORE INTO blocks (multihash, version, codec, data) VALUES (?, ?, ?, ?)')
      this.select = this.db.prepare('SELECT data FROM blocks WHERE multihash = ?')
      this.exists = this.db.prepare('SELECT 1 AS found FROM blocks WHERE multihash = ?')
      this.remove = this.db.prepare('DELETE FROM blocks WHERE multihash = ?')
      this.list = this.db.prepare('SELECT id, multihash, version, codec FROM blocks WHERE id > ? ORDER BY id LIMIT ?')
      this.totals = this.db.prepare('SELECT count(*) AS blocks, coalesce(sum(length(data)), 0) AS bytes FROM blocks')
    } catch (err) {
      if (this.ownsDb) this.db.close()
      throw err
    }
  }

  put (cid: CID, bytes: BlockInput, options?: AbortOptions): CID | Promise<CID> {
    options?.signal?.throwIfAborted()
    if (bytes instanceof Uint8Array) return this.write(cid, bytes)
    if (isAsyncIterable(bytes)) {
      return collectAsync(bytes).then(data => {
        options?.signal?.throwIfAborted()
        return this.write(cid, data)
      })
    }
    return this.write(cid, concatBytes([...bytes]))
  }

  * get (cid: CID, options?: AbortOptions): Generator<Uint8Array> {
    options?.signal?.throwIfAborted()
    yield this.read(cid)
  }

  has (cid: CID, options?: AbortOptions): boolean {
    options?.signal?.throwIfAborted()
    return this.exists.get(cid.multihash.bytes) != null
  }

  delete (cid: CID, options?: AbortOptions): void {
    options?.signal?.throwIfAborted()
    this.remove.run(cid.multihash.bytes)
    this.checkpointer?.wrote(0)
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    let batch: PendingBlock[] = []
    let batchBytes = 0
    for await (const { cid, bytes } of source) {
      options?.signal?.throwIfAborted()
      const data = bytes instanceof Uint8Array ? bytes : isAsyncIterable(bytes) ? await collectAsync(bytes) : concatBytes([...bytes])
      batch.push({ cid, data })
      batchBytes += data.byteLength
      if (batch.length >= BATCH_BLOCKS || batchBytes >= BATCH_BYTES) {
        yield * this.writeBatch(batch)
        batch = []
        batchBytes = 0
      }
    }
    yield * this.writeBatch(batch)
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    for await (const cid of source) {
      options?.signal?.throwIfAborted()
      // Read now, not when the bytes are pulled: a missing block fails here, in order.
      const data = this.read(cid)
      yield { cid, bytes: once(data) }
    }
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    options?.signal?.throwIfAborted()
    let batch: CID[] = []
    for await (const cid of source) {
      options?.signal?.throwIfAborted()
      batch.push(cid)
      if (batch.length >= BATCH_BLOCKS) {
        yield * this.deleteBatch(batch)
        batch = []
      }
    }
    yield * this.deleteBatch(batch)
  }

  /** Every block, in storage order; the bytes are read only when pulled (`refs local` needs none). */
  * getAll (options?: AbortOptions): Generator<Pair> {
    options?.signal?.throwIfAborted()
    let after = 0
    while (true) {
      const rows = this.list.all<ListedRow>(after, PAGE_ROWS)
      for (const row of rows) {
        options?.signal?.throwIfAborted()
        const cid = CID.create(row.version as 0 | 1, row.codec, Digest.decode(row.multihash))
        yield { cid, bytes: this.get(cid, options) }
      }
      const last = rows.at(-1)
      if (last == null || rows.length < PAGE_ROWS) return
      after = last.id
    }
  }

  /** How many blocks are stored and their total size in bytes. */
  size (): BlockstoreSize {
    const row = this.totals.get<BlockstoreSize>()
    return { blocks: Number(row?.blocks ?? 0), bytes: Number(row?.bytes ?? 0) }
  }

  /** Closes the database if this store opened it, checkpointing the WAL first. */
  close (): void {
    if (!this.ownsDb) return
    this.checkpointer?.close()
    this.db.close()
  }

  private write (cid: CID, data: Uint8Array): CID {
    this.insert.run(cid.multihash.bytes, cid.version, cid.code, data)
    this.checkpointer?.wrote(data.byteLength)
    return cid
  }

  private read (cid: CID): Uint8Array {
    const row = this.select.get<{ data: Uint8Array }>(cid.multihash.bytes)
    if (row == null) throw new NotFoundError(`Block "${cid.toString()}" not found`)
    return row.data
  }

  private * writeBatch (batch: PendingBlock[]): Generator<CID> {
    if (batch.length === 0) return
    this.db.transaction(() => {
      for (const { cid, data } of batch) this.insert.run(cid.multihash.bytes, cid.version, cid.code, data)
    })
    this.checkpointer?.wrote(batch.reduce((n, { data }) => n + data.byteLength, 0))
    for (const { cid } of batch) yield cid
  }

  private * deleteBatch (batch: CID[]): Generator<CID> {
    if (batch.length === 0) return
    this.db.transaction(() => {
      for (const cid of batch) this.remove.run(cid.multihash.bytes)
    })
    this.checkpointer?.wrote(0)
    yield * batch
  }
}

function isWal (db: SqliteDatabase): boolean {
  return db.prepare('PRAGMA journal_mode').get<{ journal_mode: string }>()?.journal_mode === 'wal'
}

function isAsyncIterable (value: object): value is AsyncIterable<Uint8Array> {
  return Symbol.asyncIterator in value
}

async function collectAsync (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of source) chunks.push(chunk)
  return concatBytes(chunks)
}


function * once (data: Uint8Array): Generator<Uint8Array> {
  yield data
}
