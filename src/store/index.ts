/** Storage: SQLite open/pragmas/migrations, and the SQLite blockstore and datastore. */
export { openDatabase, migrate, StoreOpenError, StoreVersionError } from './sqlite.ts'
export type { OpenDatabaseOptions, SqliteDatabase, SqliteStatement, SqlRow, SqlValue } from './sqlite.ts'
export { SqliteBlockstore } from './blockstore.ts'
export type { BlockstoreSize, SqliteBlockstoreOptions } from './blockstore.ts'
export type { CheckpointPolicy } from './checkpoint.ts'
export { SqliteDatastore } from './datastore.ts'
export { STORE_MIGRATIONS } from './schema.ts'
