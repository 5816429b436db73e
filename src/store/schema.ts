/**
 * The stores' schema, one script per version (see `migrate`). Both stores apply the whole list,
 * so blocks and data can share one file or live in two: a file's user_version belongs to one
 * list, and an unused table costs nothing. Append new versions; never edit a shipped one.
 */
export const STORE_MIGRATIONS: readonly string[] = [
  `
  -- Blocks keyed by multihash, so the CIDv0 and CIDv1 of one content share a row, as in kubo.
  -- version and codec keep the CID of the first put, so getAll can hand back a CID.
  -- data comes last: reading the small columns never touches a large block's overflow pages.
  CREATE TABLE blocks (
    id        INTEGER PRIMARY KEY,
    multihash BLOB    NOT NULL UNIQUE,
    version   INTEGER NOT NULL,
    codec     INTEGER NOT NULL,
    data      BLOB    NOT NULL
  );

  -- Datastore records; keys are interface-datastore Key strings ("/a/b").
  CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
  );
  `
]
