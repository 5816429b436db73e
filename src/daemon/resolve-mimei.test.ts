import { expect, test } from 'bun:test'
import { CID } from 'multiformats/cid'
import { NotFoundError } from '../utils/errors.ts'
import { resolveMiMei } from './resolve-mimei.ts'
import type { LeitherNode } from '../node/node.ts'

const V1 = CID.parse('QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o')
const V2 = CID.parse('QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn')
const MID = 'RXN7aBcDeFgHiJkLmNoPqRsTuVw'
const never = new AbortController().signal

// Just what resolveMiMei touches of a node.
function fakeNode(state: { last?: CID, synced?: CID, generation?: number }): { node: LeitherNode, reads: () => number, syncs: () => number } {
  let reads = 0
  let syncs = 0
  const node = {
    mimei: {
      store: { get generation() { return state.generation ?? 0 } },
      resolve: (_mid: string, _version: string) => {
        reads++
        if (state.last == null) throw new NotFoundError(`MiMei "${MID}" has no last version`)
        return { ver: 1, cid: state.last }
      }
    },
    mimeiNet: {
      sync: async () => {
        syncs++
        state.last = state.synced
        state.generation = (state.generation ?? 0) + 1
      }
    }
  } as unknown as LeitherNode
  return { node, reads: () => reads, syncs: () => syncs }
}

test('answers from memory until the MiMei table changes, so a new version shows on the next request', () => {
  const state: { last?: CID, generation: number } = { last: V1, generation: 0 }
  const { node, reads } = fakeNode(state)
  expect(resolveMiMei(node, MID, 'last', never, 1000)).toEqual(V1)
  expect(resolveMiMei(node, MID, 'last', never, 1000)).toEqual(V1)
  expect(reads()).toBe(1)
  state.last = V2
  state.generation++
  expect(resolveMiMei(node, MID, 'last', never, 1000)).toEqual(V2)
  expect(reads()).toBe(2)
})

test('keeps each version name apart', () => {
  const { node, reads } = fakeNode({ last: V1 })
  resolveMiMei(node, MID, 'last', never, 1000)
  resolveMiMei(node, MID, '1', never, 1000)
  expect(reads()).toBe(2)
})

test('syncs a MiMei this node does not hold, then resolves it', async () => {
  const { node, syncs } = fakeNode({ synced: V2 })
  expect(await resolveMiMei(node, MID, 'last', never, 1000)).toEqual(V2)
  expect(syncs()).toBe(1)
})

test('does not remember a failure', async () => {
  const state: { last?: CID } = {}
  const { node } = fakeNode(state)
  const failure = await Promise.resolve(resolveMiMei(node, MID, 'last', never, 1000)).then(() => undefined, (err: unknown) => err)
  expect(failure).toBeInstanceOf(NotFoundError)
  state.last = V1
  expect(resolveMiMei(node, MID, 'last', never, 1000)).toEqual(V1)
})
