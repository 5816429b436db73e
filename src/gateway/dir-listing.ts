import type { CID } from 'multiformats/cid'

/** One row of a directory listing. */
export interface ListingEntry {
  name: string
  cid: CID
  /** Cumulative DAG size from the directory link (what kubo shows), in bytes. */
  size: bigint
}

/** What the listing page shows. */
export interface Listing {
  /** The directory's CID. */
  cid: CID
  /** Decoded path shown in the title, e.g. `/ipfs/Qm…/docs`. */
  title: string
  /** Percent-encoded path of the directory, ending in `/`; entry links are built on it. */
  base: string
  /** Link to the parent directory; absent at the root CID. */
  parent?: string
  entries: ListingEntry[]
}

/** Renders a small self-contained HTML index page; every name and path is escaped. */
export function renderListing({ cid, title, base, parent, entries }: Listing): string {
  const rows = entries.map(entry => `
<tr><td><a href="${escapeHtml(base + encodeURIComponent(entry.name))}">${escapeHtml(entry.name)}</a></td>` +
    `<td class="size">${formatSize(entry.size)}</td>` +
    `<td><a class="cid" href="/ipfs/${escapeHtml(entry.cid.toString())}">${escapeHtml(entry.cid.toString())}</a></td></tr>`)
  const up = parent == null ? '' : `\n<tr><td><a href="${escapeHtml(parent)}">..</a></td><td></td><td></td></tr>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Index of ${escapeHtml(title)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222 }
h1 { font-size: 1.2em; word-break: break-all }
.dir { color: #666; font: 13px monospace; word-break: break-all }
table { border-collapse: collapse; width: 100% }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #eee; word-break: break-all }
.size { text-align: right; white-space: nowrap }
.cid { color: #666; font: 12px monospace }
</style>
</head>
<body>
<h1>Index of ${escapeHtml(title)}</h1>
<p class="dir">${escapeHtml(cid.toString())}</p>
<table>
<thead><tr><th>Name</th><th class="size">Size</th><th>CID</th></tr></thead>
<tbody>${up}${rows.join('')}
</tbody>
</table>
</body>
</html>
`
}

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** 1536n → "1.5 KiB". */
export function formatSize(bytes: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = Number(bytes)
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`
}
