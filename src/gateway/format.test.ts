import { expect, test } from 'bun:test'
import { negotiateFormat } from './format.ts'

const q = (query: string): URLSearchParams => new URLSearchParams(query)

test('no format and no Accept renders the content', () => {
  expect(negotiateFormat(q(''), undefined)).toEqual({ kind: 'unixfs' })
})

test('?format=raw and ?format=car select the trustless formats, CAR with dag-scope all by default', () => {
  expect(negotiateFormat(q('format=raw'), undefined)).toEqual({ kind: 'raw' })
  expect(negotiateFormat(q('format=car'), undefined)).toEqual({ kind: 'car', scope: 'all' })
  expect(negotiateFormat(q('format=car&dag-scope=entity'), undefined)).toEqual({ kind: 'car', scope: 'entity' })
})

test('?format= wins over Accept', () => {
  expect(negotiateFormat(q('format=raw'), 'application/vnd.ipld.car')).toEqual({ kind: 'raw' })
})

test('an unknown format or dag-scope is a 400', () => {
  expect(() => negotiateFormat(q('format=tar'), undefined)).toThrow('Unsupported format "tar"')
  expect(() => negotiateFormat(q('format=car&dag-scope=x'), undefined)).toThrow('Unsupported dag-scope "x"')
})

test('Accept selects raw or CARv1, with or without parameters', () => {
  expect(negotiateFormat(q(''), 'application/vnd.ipld.raw')).toEqual({ kind: 'raw' })
  expect(negotiateFormat(q(''), 'application/vnd.ipld.car')).toEqual({ kind: 'car', scope: 'all' })
  expect(negotiateFormat(q(''), 'application/vnd.ipld.car;version=1;order=dfs;dups=n')).toEqual({ kind: 'car', scope: 'all' })
  expect(negotiateFormat(q(''), 'Application/VND.IPLD.RAW')).toEqual({ kind: 'raw' })
})

test('Accept ranks by q and ignores q=0 and other CAR versions', () => {
  expect(negotiateFormat(q(''), 'application/vnd.ipld.raw;q=0.5, application/vnd.ipld.car;q=0.9')).toEqual({ kind: 'car', scope: 'all' })
  expect(negotiateFormat(q(''), 'application/vnd.ipld.raw;q=0')).toEqual({ kind: 'unixfs' })
  expect(negotiateFormat(q(''), 'application/vnd.ipld.car; version=2')).toEqual({ kind: 'unixfs' })
})

test('a browser Accept, or a specific type ranked higher, renders the content', () => {
  expect(negotiateFormat(q(''), 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toEqual({ kind: 'unixfs' })
  expect(negotiateFormat(q(''), 'text/html, application/vnd.ipld.raw;q=0.5')).toEqual({ kind: 'unixfs' })
  expect(negotiateFormat(q(''), '*/*, application/vnd.ipld.raw;q=0.5')).toEqual({ kind: 'raw' })
})
