import { expect, test } from 'bun:test'
import { CID } from 'multiformats/cid'
import { escapeHtml, formatSize, renderListing } from './dir-listing.ts'

const DIR = CID.parse('QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o')

test('escapeHtml neutralises every character that can end text or an attribute', () => {
  expect(escapeHtml('<a href="x" onclick=\'y\'>&</a>')).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#60;/a&#62;')
})

test('formatSize prints bytes, then binary units with one decimal', () => {
  expect(formatSize(0n)).toBe('0 B')
  expect(formatSize(1023n)).toBe('1023 B')
  expect(formatSize(1536n)).toBe('1.5 KiB')
  expect(formatSize(5n * 1024n * 1024n)).toBe('5 MiB')
})

test('renderListing escapes names in text and links and percent-encodes hrefs', () => {
  const html = renderListing({
    cid: DIR,
    title: '/ipfs/x/"><img src=x onerror=alert(1)>',
    base: '/ipfs/x/',
    entries: [{ name: '"><img src=x onerror=alert(1)>', cid: DIR, size: 10n }]
  })
  expect(html).not.toContain('<img')
  expect(html).toContain('<a href="/ipfs/x/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E">&#34;&#62;&#60;img src=x onerror=alert(1)&#62;</a>')
  expect(html).toContain('<title>Index of /ipfs/x/&#34;&#62;&#60;img src=x onerror=alert(1)&#62;</title>')
})

test('renderListing shows a parent link only when given one', () => {
  const at = (parent?: string): string => renderListing({ cid: DIR, title: 't', base: '/ipfs/x/a/', parent, entries: [] })
  expect(at('/ipfs/x/')).toContain('<a href="/ipfs/x/">..</a>')
  expect(at()).not.toContain('>..</a>')
})
