/**
 * A minimal ZIP writer (deflate, no zip64) for the Windows archive, so a release needs no
 * `zip` program. Entries carry a fixed timestamp, so the same input gives the same bytes.
 */
import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipEntry {
  /** Path inside the archive, `/`-separated; a trailing `/` makes a directory. */
  name: string
  data?: Uint8Array
  /** Unix permission bits, e.g. 0o755 (kept in the external attributes for unzip). */
  mode?: number
}

const LIMIT = 0xffffffff

/** DOS date/time of `d`, taken in UTC (2-second resolution). */
function dosTime (d: Date): { time: number, date: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  }
}

/** The bytes of a .zip holding `entries`, in the given order. */
export function zip (entries: ZipEntry[], mtime = new Date(Date.UTC(2020, 0, 1))): Uint8Array {
  const { time, date } = dosTime(mtime)
  const locals: Uint8Array[] = []
  const centrals: Uint8Array[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8')
    const isDir = e.name.endsWith('/')
    const raw = isDir ? new Uint8Array(0) : (e.data ?? new Uint8Array(0))
    const packed = raw.length > 0 ? deflateRawSync(raw, { level: 6 }) : new Uint8Array(0)
    const method = raw.length > 0 ? 8 : 0
    const crc = raw.length > 0 ? crc32(raw) : 0
    if (raw.length >= LIMIT || packed.length >= LIMIT || offset >= LIMIT) throw new Error(`zip: "${e.name}" needs zip64, which this writer does not do`)
    const mode = (isDir ? 0o040000 : 0o100000) | (e.mode ?? (isDir ? 0o755 : 0o644))

    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(time, 10)
    local.writeUInt16LE(date, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(raw.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    locals.push(local, name, packed)

    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so unzip applies the mode
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt16LE(time, 12)
    central.writeUInt16LE(date, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(raw.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(((mode << 16) | (isDir ? 0x10 : 0)) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + packed.length
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralSize, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, ...centrals, end])
}
