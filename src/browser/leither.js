/*
 * leither.js — the Leither browser SDK, served by every node at /leither.js.
 *
 *   <script src="/leither.js"></script>
 *   const db = Leither.connect().db()            // the page's MiMei, from /mm/<mid>/
 *   await db.command('SET', 'k', 'v')            // any Redis command
 *   const ls = await Leither.localStorage()      // getItem/setItem/removeItem/clear/key/length
 *   const idb = await Leither.indexedDB()        // object stores with key ranges and indexes
 *   await db.backup({ publish: true })           // freeze a version, providers follow it
 *
 * Everything lives in a db MiMei, so it is versioned and replicated by the
 * node. Access comes from a token (Leither token create <mid>), handed to
 * the page in the URL fragment (#leither-token=…) or to connect({ token }).
 * Plain script, no build step, no dependencies; ES2020.
 */
(function (root) {
  'use strict'

  const TOKEN_PARAM = 'leither-token'
  const MID = /^[A-Za-z0-9_-]{27}$/

  class LeitherError extends Error {
    constructor(message, name, details) {
      super(message)
      this.name = name || 'LeitherError'
      Object.assign(this, details)
    }
  }

  // ---------------------------------------------------------------- context

  /** The page's context: node address, MiMei and version, from the URL it was opened at. */
  function getParam() {
    const loc = root.location
    if (loc == null) return { node: '', mid: null, ver: null }
    const query = new URLSearchParams(loc.search)
    const m = /^\/(?:mm|tpt)\/([A-Za-z0-9_-]{27})(?:\/|$)/.exec(loc.pathname)
    return { node: loc.origin, mid: (m && m[1]) || query.get('mid'), ver: query.get('ver') }
  }

  /** A token from #leither-token=…, moved into sessionStorage so it leaves the address bar. */
  function tokenFromPage() {
    const loc = root.location
    const store = root.sessionStorage
    const slot = 'leither-token:' + (loc ? loc.pathname.split('/').slice(0, 3).join('/') : '')
    if (loc != null && loc.hash.length > 1) {
      const hash = new URLSearchParams(loc.hash.slice(1))
      const token = hash.get(TOKEN_PARAM)
      if (token) {
        hash.delete(TOKEN_PARAM)
        const rest = hash.toString()
        if (root.history && root.history.replaceState) root.history.replaceState(null, '', loc.pathname + loc.search + (rest ? '#' + rest : ''))
        if (store) store.setItem(slot, token)
        return token
      }
    }
    return store ? store.getItem(slot) : null
  }

  // Taken at load, so the secret is out of the address bar (and of any link
  // or screenshot of it) before the page's own code runs.
  const pageToken = tokenFromPage()

  // ----------------------------------------------------------------- client

  class Client {
    constructor(options) {
      const o = options || {}
      this.node = (o.node || getParam().node || '').replace(/\/+$/, '')
      this.token = o.token !== undefined ? o.token : pageToken
    }

    async call(path, body) {
      const headers = { 'content-type': 'application/json' }
      if (this.token) headers.authorization = 'Bearer ' + this.token
      const res = await fetch(this.node + path, body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) })
      let reply
      try { reply = await res.json() } catch (e) { throw new LeitherError('the node answered ' + res.status + ' without JSON', 'NetworkError', { status: res.status }) }
      if (res.status === 409) throw new LeitherError('the data changed meanwhile', 'ConflictError', { status: 409, index: reply.conflict, found: reply.found })
      if (!res.ok) throw new LeitherError(reply.error || ('HTTP ' + res.status), res.status === 403 ? 'NotAllowedError' : 'LeitherError', { status: res.status, index: reply.index })
      return reply
    }

    /** The token's scope and rights as the node sees them. */
    session() { return this.call('/sdk/v0/session') }

    /** A database: a db MiMei ID, "<mid>@<ver>" (read-only), "-" (the node's default), or the page's MiMei. */
    db(name) {
      const n = name || getParam().mid
      if (!n) throw new LeitherError('no database named and the page is not opened as /mm/<mid>/', 'DataError')
      return new Database(this, n)
    }
  }

  class Database {
    constructor(client, name) {
      this.client = client
      this.name = name
    }

    /** One Redis command; resolves to its reply as plain JSON (null for nil). */
    async command(...args) {
      return (await this.batch([args])).replies[0]
    }

    /**
     * Commands run as one transaction, all or nothing. `expect` maps a
     * command's index to the reply it must give, else nothing is written
     * and the call fails with a ConflictError (optimistic concurrency).
     */
    batch(commands, expect) {
      return this.client.call('/sdk/v0/db', expect ? { db: this.name, commands, expect } : { db: this.name, commands })
    }

    /**
     * Calls onChange({ keys, flushed }) after every committed write to the
     * database, from any client — another tab, redis-cli, or a provider
     * applying a new version. Returns { opened, close() }: `opened` resolves
     * once the node listens (rejects when not allowed); it reconnects after a drop.
     */
    watch(onChange) {
      const client = this.client
      const url = client.node + '/sdk/v0/events?db=' + encodeURIComponent(this.name)
      const controller = new AbortController()
      let ready, fail
      const opened = new Promise((resolve, reject) => { ready = resolve; fail = reject })
      const run = async () => {
        for (let attempt = 0; !controller.signal.aborted; attempt++) {
          try {
            const res = await fetch(url, { headers: client.token ? { authorization: 'Bearer ' + client.token } : {}, signal: controller.signal })
            if (!res.ok) {
              const reply = await res.json().catch(() => ({}))
              throw new LeitherError(reply.error || ('HTTP ' + res.status), res.status === 403 ? 'NotAllowedError' : 'LeitherError', { status: res.status })
            }
            const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
            let buffer = ''
            attempt = 0
            for (;;) {
              const { value, done } = await reader.read()
              if (done) break
              buffer += value
              let end
              while ((end = buffer.indexOf('\n\n')) >= 0) {
                const event = buffer.slice(0, end)
                buffer = buffer.slice(end + 2)
                if (event.startsWith(': watching')) ready()
                for (const line of event.split('\n')) if (line.startsWith('data: ')) onChange(JSON.parse(line.slice(6)))
              }
            }
          } catch (e) {
            if (controller.signal.aborted) return
            if (e instanceof LeitherError && e.status === 403) { fail(e); return }
          }
          await new Promise(resolve => setTimeout(resolve, Math.min(30000, 500 * 2 ** attempt)))
        }
      }
      const done = run()
      return { opened, done, close: () => controller.abort() }
    }

    /** Freezes the database into a new version (and publishes it): needs an x right. */
    backup(options) {
      return this.client.call('/sdk/v0/backup', { db: this.name, publish: !!(options && options.publish) })
    }
  }

  /** Runs fn until it does not meet a ConflictError, a few times. */
  async function retrying(fn) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn()
      } catch (e) {
        if (!(e instanceof LeitherError) || e.name !== 'ConflictError' || attempt >= 8) throw e
        await new Promise(resolve => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)))
      }
    }
  }

  // ----------------------------------------------------------- localStorage

  /**
   * localStorage's interface over one Redis hash (`ls:<name>`). Reads are
   * synchronous from a copy loaded at open; writes change the copy at once
   * and are sent in order — `flush()` resolves when they are stored, and a
   * failed write calls `onerror` and reloads the copy.
   */
  class ReplicatedStorage {
    constructor(db, name) {
      this.db = db
      this.hash = 'ls:' + name
      this.items = new Map()
      this.pending = Promise.resolve()
      this.onerror = null
      /** Called with { key, oldValue, newValue } for each item another client changed, like a 'storage' event. */
      this.onchange = null
      this.watcher = null
    }

    async refresh() {
      await this.pending
      const all = await this.db.command('HGETALL', this.hash)
      const before = this.items
      this.items = new Map(Object.entries(all || {}))
      if (typeof this.onchange === 'function') {
        for (const key of new Set([...before.keys(), ...this.items.keys()])) {
          const oldValue = before.has(key) ? before.get(key) : null
          const newValue = this.items.has(key) ? this.items.get(key) : null
          if (oldValue !== newValue) this.onchange({ key, oldValue, newValue })
        }
      }
      return this
    }

    /** Follows writes by other clients (other tabs, devices, programs), keeping the copy current. */
    async live() {
      if (this.watcher != null) return this
      let queued = false
      this.watcher = this.db.watch(({ keys, flushed }) => {
        if (!flushed && !keys.includes(this.hash)) return
        if (queued) return
        queued = true
        // Our own writes come back too; a refresh after them finds nothing changed.
        setTimeout(() => { queued = false; this.refresh().catch(err => { if (typeof this.onerror === 'function') this.onerror(err) }) }, 0)
      })
      await this.watcher.opened
      return this
    }

    /** Stops following other clients' writes. */
    close() {
      if (this.watcher != null) this.watcher.close()
      this.watcher = null
    }

    get length() { return this.items.size }
    key(index) { const keys = [...this.items.keys()]; return index >= 0 && index < keys.length ? keys[index] : null }
    getItem(key) { const v = this.items.get(String(key)); return v === undefined ? null : v }

    setItem(key, value) {
      const k = String(key), v = String(value)
      this.items.set(k, v)
      this.send(['HSET', this.hash, k, v])
    }

    removeItem(key) {
      const k = String(key)
      this.items.delete(k)
      this.send(['HDEL', this.hash, k])
    }

    clear() {
      this.items.clear()
      this.send(['DEL', this.hash])
    }

    send(command) {
      this.pending = this.pending.then(() => this.db.batch([command])).then(() => undefined, async err => {
        if (typeof this.onerror === 'function') this.onerror(err)
        try { const all = await this.db.command('HGETALL', this.hash); this.items = new Map(Object.entries(all || {})) } catch (e) { /* keep the copy */ }
      })
    }

    /** Resolves when every write so far is stored on the node. */
    flush() { return this.pending }
  }

  // --------------------------------------------------------------- key order

  /**
   * IndexedDB keys (numbers, Dates, strings, arrays of these) as strings
   * whose byte order is the keys' order, so a Redis sorted set with equal
   * scores (ZRANGE … BYLEX) keeps them sorted. Every encoding is
   * self-delimiting, so an index entry is simply enc(indexKey) + enc(key).
   *   number 1<16 hex>  Date 2<16 hex>  string 3<escaped>\0  array 4<items>0
   * Strings compare by code point (UTF-8 order); IndexedDB compares UTF-16
   * units, which differs only between U+E000–U+FFFF and astral characters.
   */
  function orderedHex(n) {
    const view = new DataView(new ArrayBuffer(8))
    view.setFloat64(0, n === 0 ? 0 : n)
    let hi = view.getUint32(0), lo = view.getUint32(4)
    if (hi & 0x80000000) { hi = ~hi >>> 0; lo = ~lo >>> 0 } else hi = (hi | 0x80000000) >>> 0
    return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0')
  }

  function fromOrderedHex(hex) {
    let hi = parseInt(hex.slice(0, 8), 16), lo = parseInt(hex.slice(8, 16), 16)
    if (hi & 0x80000000) hi = (hi & 0x7fffffff) >>> 0; else { hi = ~hi >>> 0; lo = ~lo >>> 0 }
    const view = new DataView(new ArrayBuffer(8))
    view.setUint32(0, hi); view.setUint32(4, lo)
    return view.getFloat64(0)
  }

  function encodeKey(key) {
    if (typeof key === 'number') {
      if (Number.isNaN(key)) throw new LeitherError('NaN is not a valid key', 'DataError')
      return '1' + orderedHex(key)
    }
    if (key instanceof Date) {
      const t = key.getTime()
      if (Number.isNaN(t)) throw new LeitherError('an invalid Date is not a valid key', 'DataError')
      return '2' + orderedHex(t)
    }
    if (typeof key === 'string') return '3' + key.replace(/[\x00\x01]/g, c => c === '\x00' ? '\x01\x01' : '\x01\x02') + '\x00'
    if (Array.isArray(key)) return '4' + key.map(encodeKey).join('') + '0'
    throw new LeitherError('not a valid key: ' + String(key) + ' (numbers, Dates, strings and arrays of them)', 'DataError')
  }

  /** The key encoded at text[at…]: [key, where the next encoding starts]. */
  function decodeKeyAt(text, at) {
    const tag = text[at]
    if (tag === '1' || tag === '2') {
      const n = fromOrderedHex(text.slice(at + 1, at + 17))
      return [tag === '1' ? n : new Date(n), at + 17]
    }
    if (tag === '3') {
      let out = '', i = at + 1
      for (; text[i] !== '\x00'; i++) {
        if (i >= text.length) throw new LeitherError('a damaged key in the store', 'DataError')
        if (text[i] === '\x01') { i++; out += text[i] === '\x01' ? '\x00' : '\x01' } else out += text[i]
      }
      return [out, i + 1]
    }
    if (tag === '4') {
      const items = []
      let i = at + 1
      while (text[i] !== '0') {
        if (i >= text.length) throw new LeitherError('a damaged key in the store', 'DataError')
        const [item, next] = decodeKeyAt(text, i)
        items.push(item)
        i = next
      }
      return [items, i + 1]
    }
    throw new LeitherError('a damaged key in the store', 'DataError')
  }

  const decodeKey = text => decodeKeyAt(text, 0)[0]

  function compareKeys(a, b) {
    const x = encodeKey(a), y = encodeKey(b)
    return x < y ? -1 : x > y ? 1 : 0
  }

  /** IDBKeyRange's shape: bounds and whether each is open. */
  class KeyRange {
    constructor(lower, upper, lowerOpen, upperOpen) {
      if (lower !== undefined && upper !== undefined) {
        const c = compareKeys(lower, upper)
        if (c > 0 || (c === 0 && (lowerOpen || upperOpen))) throw new LeitherError('the lower bound is above the upper bound', 'DataError')
      } else {
        if (lower !== undefined) encodeKey(lower)
        if (upper !== undefined) encodeKey(upper)
      }
      this.lower = lower
      this.upper = upper
      this.lowerOpen = !!lowerOpen
      this.upperOpen = !!upperOpen
    }

    static only(key) { return new KeyRange(key, key, false, false) }
    static lowerBound(key, open) { return new KeyRange(key, undefined, open, true) }
    static upperBound(key, open) { return new KeyRange(undefined, key, true, open) }
    static bound(lower, upper, lowerOpen, upperOpen) { return new KeyRange(lower, upper, lowerOpen, upperOpen) }

    includes(key) {
      const e = encodeKey(key)
      if (this.lower !== undefined) { const l = encodeKey(this.lower); if (e < l || (this.lowerOpen && e === l)) return false }
      if (this.upper !== undefined) { const u = encodeKey(this.upper); if (e > u || (this.upperOpen && e === u)) return false }
      return true
    }

    /**
     * ZRANGE … BYLEX bounds. `prefix` is true for an index, whose members
     * are enc(indexKey) + enc(primaryKey): every member of one index key
     * lies strictly between enc(k) and enc(k) + "5" (a key encoding starts
     * with 1–4), and no other key's encoding starts with enc(k).
     */
    lexBounds(prefix) {
      const lo = this.lower === undefined ? '-' : prefix
        ? '[' + encodeKey(this.lower) + (this.lowerOpen ? '5' : '')
        : (this.lowerOpen ? '(' : '[') + encodeKey(this.lower)
      const hi = this.upper === undefined ? '+' : prefix
        ? '(' + encodeKey(this.upper) + (this.upperOpen ? '' : '5')
        : (this.upperOpen ? '(' : '[') + encodeKey(this.upper)
      return [lo, hi]
    }
  }

  /** A key or a range as a range. */
  const asRange = query => query == null ? new KeyRange(undefined, undefined, true, true) : query instanceof KeyRange ? query : KeyRange.only(query)

  // -------------------------------------------------------------- IndexedDB

  function valueAt(value, keyPath) {
    if (Array.isArray(keyPath)) {
      const out = keyPath.map(p => valueAt(value, p))
      return out.some(v => v === undefined) ? undefined : out
    }
    let v = value
    for (const part of keyPath === '' ? [] : keyPath.split('.')) {
      if (v == null || typeof v !== 'object') return undefined
      v = v[part]
    }
    return v
  }

  function setValueAt(value, keyPath, key) {
    const parts = keyPath.split('.')
    let v = value
    for (const part of parts.slice(0, -1)) {
      if (v[part] == null) v[part] = {}
      v = v[part]
    }
    v[parts[parts.length - 1]] = key
  }

  /** The index keys a value has for an index (several for multiEntry arrays); invalid ones are skipped, as IndexedDB does. */
  function indexKeys(index, value) {
    const k = valueAt(value, index.keyPath)
    if (k === undefined) return []
    const keys = index.multiEntry && Array.isArray(k) ? k : [k]
    const out = new Set()
    for (const one of keys) {
      try { out.add(encodeKey(one)) } catch (e) { /* not a key: not indexed */ }
    }
    return [...out]
  }

  /**
   * An object store in the database: values are JSON, kept in the hash
   * `idb:<store>` by encoded key, with the keys in the sorted set
   * `idb:<store>:keys` and each index in `idb:<store>:ix:<index>`. Writes
   * run as one transaction guarded by the values they replace.
   */
  class ObjectStore {
    constructor(db, name, options) {
      const o = options || {}
      this.db = db
      this.name = name
      this.keyPath = o.keyPath == null ? null : o.keyPath
      this.autoIncrement = !!o.autoIncrement
      this.indexes = new Map((o.indexes || []).map(ix => [ix.name, { name: ix.name, keyPath: ix.keyPath, unique: !!ix.unique, multiEntry: !!ix.multiEntry }]))
      this.hash = 'idb:' + name
      this.keys = 'idb:' + name + ':keys'
    }

    ixKey(index) { return 'idb:' + this.name + ':ix:' + index.name }

    index(name) {
      const index = this.indexes.get(name)
      if (index == null) throw new LeitherError('no index "' + name + '" on store "' + this.name + '"', 'NotFoundError')
      return new Index(this, index)
    }

    async keyFor(value, key) {
      if (this.keyPath != null) {
        if (key !== undefined) throw new LeitherError('the store has a keyPath: the key comes from the value', 'DataError')
        const k = valueAt(value, this.keyPath)
        if (k !== undefined) return k
        if (!this.autoIncrement || Array.isArray(this.keyPath)) throw new LeitherError('the value has no key at "' + this.keyPath + '"', 'DataError')
        const next = await this.db.command('INCR', 'idb:' + this.name + ':seq')
        setValueAt(value, this.keyPath, next)
        return next
      }
      if (key !== undefined) return key
      if (!this.autoIncrement) throw new LeitherError('the store has no keyPath and no autoIncrement: give a key', 'DataError')
      return this.db.command('INCR', 'idb:' + this.name + ':seq')
    }

    /** Stores a value, replacing any under its key; resolves to the key. */
    put(value, key) { return this.write(value, key, false) }

    /** Stores a value only if its key is new, else a ConstraintError. */
    add(value, key) { return this.write(value, key, true) }

    async write(value, key, mustBeNew) {
      const json = JSON.stringify(value)
      if (json === undefined) throw new LeitherError('the value is not JSON-serialisable', 'DataError')
      const copy = JSON.parse(json)
      const k = await this.keyFor(copy, key)
      const ek = encodeKey(k)
      const body = JSON.stringify(copy)
      await retrying(async () => {
        const before = await this.db.command('HGET', this.hash, ek)
        if (mustBeNew && before != null) throw new LeitherError('a value with this key already exists', 'ConstraintError')
        const old = before == null ? null : JSON.parse(before)
        const commands = [['HGET', this.hash, ek]]
        const expect = { 0: before }
        const writes = [['HSET', this.hash, ek, body], ['ZADD', this.keys, '0', ek]]
        for (const index of this.indexes.values()) {
          const z = this.ixKey(index)
          const was = old == null ? [] : indexKeys(index, old)
          const now = indexKeys(index, copy)
          const gone = was.filter(ik => !now.includes(ik)).map(ik => ik + ek)
          const added = now.filter(ik => !was.includes(ik))
          if (gone.length > 0) writes.push(['ZREM', z, ...gone])
          for (const ik of added) {
            if (index.unique) {
              // The batch runs only if this index key is still free.
              const taken = await this.db.command('ZRANGE', z, '[' + ik, '(' + ik + '5', 'BYLEX', 'LIMIT', '0', '1')
              if (taken.length > 0) throw new LeitherError('index "' + index.name + '" is unique and already has this key', 'ConstraintError')
              expect[commands.length] = []
              commands.push(['ZRANGE', z, '[' + ik, '(' + ik + '5', 'BYLEX', 'LIMIT', '0', '1'])
            }
            writes.push(['ZADD', z, '0', ik + ek])
          }
        }
        await this.db.batch(commands.concat(writes), expect)
      })
      return k
    }

    /** The value for a key (or the first in a range), or undefined. */
    async get(query) {
      const [ek] = await this.keyList(asRange(query), 1)
      if (ek === undefined) return undefined
      const v = await this.db.command('HGET', this.hash, ek)
      return v == null ? undefined : JSON.parse(v)
    }

    async getKey(query) {
      const [ek] = await this.keyList(asRange(query), 1)
      return ek === undefined ? undefined : decodeKey(ek)
    }

    /** Values in key order, within a range, at most `count`. */
    async getAll(query, count) { return this.values(await this.keyList(asRange(query), count)) }

    async getAllKeys(query, count) { return (await this.keyList(asRange(query), count)).map(decodeKey) }

    async count(query) {
      if (query == null) return this.db.command('ZCARD', this.keys)
      return (await this.keyList(asRange(query))).length
    }

    /** Deletes the value under a key, or every value in a range. */
    async delete(query) {
      const range = asRange(query)
      const [lo, hi] = range.lexBounds(false)
      await retrying(async () => {
        const eks = await this.db.command('ZRANGE', this.keys, lo, hi, 'BYLEX')
        if (eks.length === 0) return
        const commands = [['ZRANGE', this.keys, lo, hi, 'BYLEX']]
        const expect = { 0: eks }
        const writes = [['HDEL', this.hash, ...eks], ['ZREM', this.keys, ...eks]]
        if (this.indexes.size > 0) {
          const olds = await this.db.command('HMGET', this.hash, ...eks)
          expect[commands.length] = olds
          commands.push(['HMGET', this.hash, ...eks])
          for (const index of this.indexes.values()) {
            const members = []
            olds.forEach((v, i) => { if (v != null) for (const ik of indexKeys(index, JSON.parse(v))) members.push(ik + eks[i]) })
            if (members.length > 0) writes.push(['ZREM', this.ixKey(index), ...members])
          }
        }
        await this.db.batch(commands.concat(writes), expect)
      })
    }

    /** Empties the store (its key generator stays, as in IndexedDB). */
    async clear() {
      await this.db.batch([['DEL', this.hash, this.keys, ...[...this.indexes.values()].map(ix => this.ixKey(ix))]])
    }

    async keyList(range, count) {
      const [lo, hi] = range.lexBounds(false)
      const limit = count > 0 ? ['LIMIT', '0', String(count)] : []
      return this.db.command('ZRANGE', this.keys, lo, hi, 'BYLEX', ...limit)
    }

    async values(eks) {
      if (eks.length === 0) return []
      const vals = await this.db.command('HMGET', this.hash, ...eks)
      return vals.filter(v => v != null).map(v => JSON.parse(v))
    }
  }

  class Index {
    constructor(store, index) {
      this.store = store
      this.index = index
      this.name = index.name
      this.keyPath = index.keyPath
      this.unique = index.unique
      this.multiEntry = index.multiEntry
    }

    /** Primary keys (encoded) of the entries in a range of index keys, in index order. */
    async entries(query, count) {
      const [lo, hi] = asRange(query).lexBounds(true)
      const limit = count > 0 ? ['LIMIT', '0', String(count)] : []
      const members = await this.store.db.command('ZRANGE', this.store.ixKey(this.index), lo, hi, 'BYLEX', ...limit)
      return members.map(m => m.slice(decodeKeyAt(m, 0)[1]))
    }

    async get(query) { return (await this.store.values(await this.entries(query, 1)))[0] }
    async getKey(query) { const [ek] = await this.entries(query, 1); return ek === undefined ? undefined : decodeKey(ek) }
    async getAll(query, count) { return this.store.values(await this.entries(query, count)) }
    async getAllKeys(query, count) { return (await this.entries(query, count)).map(decodeKey) }
    async count(query) { return (await this.entries(query)).length }
  }

  /** IndexedDB's object stores, declared by the page (as an upgrade callback would). */
  class ReplicatedIndexedDB {
    constructor(db) {
      this.db = db
      this.stores = new Map()
    }

    objectStore(name, options) {
      if (options !== undefined || !this.stores.has(name)) this.stores.set(name, new ObjectStore(this.db, name, options))
      return this.stores.get(name)
    }

    /** Freezes the whole database into a version (see Database.backup). */
    backup(options) { return this.db.backup(options) }
  }

  // ----------------------------------------------------------------- exports

  function dbOf(nameOrOptions) {
    const o = typeof nameOrOptions === 'string' ? { db: nameOrOptions } : (nameOrOptions || {})
    return (o.client || new Client(o)).db(o.db)
  }

  root.getParam = root.getParam || getParam
  root.Leither = {
    version: 1,
    LeitherError,
    KeyRange,
    getParam,
    connect: options => new Client(options),
    /** localStorage's interface, replicated and kept current: Leither.localStorage(db?, { name, live }) */
    localStorage: async (nameOrOptions, options) => {
      const storage = await new ReplicatedStorage(dbOf(nameOrOptions), (options && options.name) || 'default').refresh()
      return options && options.live === false ? storage : storage.live()
    },
    /** IndexedDB-like object stores: Leither.indexedDB(db?).objectStore(name, { keyPath, autoIncrement, indexes }) */
    indexedDB: async nameOrOptions => new ReplicatedIndexedDB(dbOf(nameOrOptions)),
    keys: { encode: encodeKey, decode: decodeKey, compare: compareKeys },
  }
})(typeof window !== 'undefined' ? window : globalThis)
