/** SQL for mimei.db, migrated by PRAGMA user_version (one entry per version). */
export const MIMEI_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE mimei (
    mid        TEXT PRIMARY KEY,
    author     TEXT NOT NULL,
    app        TEXT NOT NULL DEFAULT '',
    ext        TEXT NOT NULL DEFAULT '',
    mark       TEXT NOT NULL,
    type       TEXT NOT NULL CHECK (type IN ('file', 'db')),
    created    INTEGER NOT NULL,          -- unix ms
    rights     INTEGER NOT NULL,
    cur        TEXT,                      -- CID of the working copy (file MiMei)
    release    INTEGER,                   -- version number chosen as release
    providing  INTEGER NOT NULL DEFAULT 0, -- this node hosts all data and follows publishes
    publishing INTEGER NOT NULL DEFAULT 0, -- this node keeps the signed record alive
    record     BLOB,                      -- newest accepted signed record
    record_seq INTEGER NOT NULL DEFAULT 0,
    record_eol INTEGER NOT NULL DEFAULT 0
  );
  -- Versions this node holds: immutable once written.
  CREATE TABLE versions (
    mid     TEXT NOT NULL REFERENCES mimei(mid) ON DELETE CASCADE,
    ver     INTEGER NOT NULL CHECK (ver > 0),
    cid     TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (mid, ver)
  );
  -- Every (version, content) any accepted record ever named: a version seen
  -- with two contents is a conflict, and neither content is forgotten.
  CREATE TABLE seen_versions (
    mid  TEXT NOT NULL REFERENCES mimei(mid) ON DELETE CASCADE,
    ver  INTEGER NOT NULL,
    cid  TEXT NOT NULL,
    seq  INTEGER NOT NULL,
    seen INTEGER NOT NULL,
    PRIMARY KEY (mid, ver, cid)
  );
  `,
  `
  -- Database MiMei: what a version froze, and which version a provider's copy holds.
  ALTER TABLE versions ADD COLUMN digest TEXT;   -- content digest of a db version (mimei sum)
  ALTER TABLE versions ADD COLUMN delta TEXT;    -- CID of the changes since the previous version
  ALTER TABLE versions ADD COLUMN seq INTEGER;   -- the database's write sequence when frozen (author)
  ALTER TABLE mimei ADD COLUMN db_ver INTEGER;   -- version a provider's database copy is at
  `,
]
