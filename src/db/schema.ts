/**
 * The keyspace's schema, one script per version (store's `migrate` applies
 * them by PRAGMA user_version). Append new versions; never edit a shipped one.
 *
 * One row per key in `keys`, one table per collection type keyed by the
 * key's id. Strings live in the key row itself: GET is one B-tree lookup
 * and SET one row write. `h` is `hash32(member)` (types/hash.ts, which must
 * never change): hashes, sets and sorted sets are stored in (h, member)
 * order, which gives HSCAN/SSCAN/ZSCAN a numeric cursor that survives
 * concurrent writes, O(log n) random picks, and one merge order for every
 * set. Lists keep contiguous integer positions: index i is at head + i.
 */
export const DB_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE keys (
    id        INTEGER PRIMARY KEY,
    key       BLOB    NOT NULL UNIQUE,
    type      INTEGER NOT NULL,           -- 1 string, 2 hash, 3 list, 4 set, 5 zset
    expire_at INTEGER,                    -- unix ms; NULL: persistent
    seq       INTEGER NOT NULL,           -- write sequence of the key's last change
    len       INTEGER NOT NULL DEFAULT 0, -- element count of a collection
    head      INTEGER NOT NULL DEFAULT 0, -- lists: position of index 0
    value     BLOB                        -- strings: the value (last: scans skip it)
  );
  CREATE INDEX keys_seq ON keys (seq);
  CREATE INDEX keys_expire ON keys (expire_at) WHERE expire_at IS NOT NULL;

  CREATE TABLE hashes (
    key_id INTEGER NOT NULL,
    h      INTEGER NOT NULL,
    field  BLOB    NOT NULL,
    value  BLOB    NOT NULL,
    PRIMARY KEY (key_id, h, field)
  ) WITHOUT ROWID;

  CREATE TABLE lists (
    key_id INTEGER NOT NULL,
    pos    INTEGER NOT NULL,
    value  BLOB    NOT NULL,
    PRIMARY KEY (key_id, pos)
  ) WITHOUT ROWID;

  CREATE TABLE sets (
    key_id INTEGER NOT NULL,
    h      INTEGER NOT NULL,
    member BLOB    NOT NULL,
    PRIMARY KEY (key_id, h, member)
  ) WITHOUT ROWID;

  CREATE TABLE zsets (
    key_id INTEGER NOT NULL,
    h      INTEGER NOT NULL,
    member BLOB    NOT NULL,
    score  REAL    NOT NULL,
    PRIMARY KEY (key_id, h, member)
  ) WITHOUT ROWID;
  CREATE INDEX zsets_score ON zsets (key_id, score, member);

  -- A deleted or expired key and the sequence of its deletion, so that
  -- changesSince carries deletes. Dropped when the key is created again.
  CREATE TABLE tombstones (
    key BLOB    PRIMARY KEY,
    seq INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX tombstones_seq ON tombstones (seq);

  -- reset_seq: the last FLUSHDB (or full load); horizon: tombstones at or
  -- below it were compacted away. A diff from before either is a full copy.
  CREATE TABLE meta (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
]
