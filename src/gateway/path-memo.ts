import { parseContentPath } from './content-path.ts'
import type { ContentPath } from './content-path.ts'

// Enough for every path a busy site serves; past it the memo starts over rather than track use.
const MAX_PATHS = 4096

/**
 * Remembers parsed `/ipfs/…` paths. Parsing is pure, and decoding a base58 CID costs more than
 * the rest of a cached answer, so a path asked for again is not parsed again.
 */
export class PathMemo {
  private readonly parsed = new Map<string, ContentPath>()

  /** `parseContentPath(pathname)`, from memory when it was parsed before; errors are not kept. */
  parse(pathname: string): ContentPath {
    let path = this.parsed.get(pathname)
    if (path == null) {
      path = parseContentPath(pathname)
      if (this.parsed.size >= MAX_PATHS) this.parsed.clear()
      this.parsed.set(pathname, path)
    }
    return path
  }
}
