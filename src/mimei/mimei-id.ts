/**
 * MiMei IDs (SPEC §2): 27-character IDs with tag 1, derived from the
 * parameters that define a MiMei, so the same parameters give the same ID
 * and the author is bound into it (a record's signer can be checked
 * against the ID without any other lookup).
 *
 *   h  = SHA-256("leither-mimei/1\n" + author + "\n" + appId + "\n" + type + "\n" + ext + "\n" + mark)[0:20]
 *   id = shortIdFromDigest(h, tag 1)
 *
 * Fields are UTF-8 and may not contain "\n", so the serialisation is unambiguous.
 */
import { createHash, randomBytes } from 'node:crypto'
import { shortIdFromDigest, IdTag, isShortId } from '../pki/index.ts'
import { InvalidInputError } from '../utils/errors.ts'

export type MiMeiType = 'file' | 'db'

export interface MiMeiParams {
  author: string
  appId: string
  type: MiMeiType
  ext: string
  mark: string
}

/** The default mark: a new MiMei every time, as in the seed (unix seconds + 19 random digits). */
export const AUTO_MARK = '{{auto}}'

export function autoMark(now = Date.now()): string {
  const random = randomBytes(8).readBigUInt64BE() % 10n ** 19n
  return `${Math.floor(now / 1000)}${random.toString().padStart(19, '0')}`
}

function checkField(name: string, value: string, max: number): void {
  if (value.includes('\n') || value.includes('\0')) throw new InvalidInputError(`${name} may not contain a newline or NUL: "${value}"`)
  if (value.length > max) throw new InvalidInputError(`${name} is longer than ${max} characters`)
}

export function checkMiMeiParams(p: MiMeiParams): void {
  if (!isShortId(p.author)) throw new InvalidInputError(`author must be a 27-character ID, got "${p.author}"`)
  if (p.appId !== '' && !isShortId(p.appId)) throw new InvalidInputError(`app ID must be a 27-character ID, got "${p.appId}"`)
  if (p.type !== 'file' && p.type !== 'db') throw new InvalidInputError(`MiMei type must be "file" or "db", got "${p.type}"`)
  checkField('ext', p.ext, 64)
  checkField('mark', p.mark, 128)
  if (p.mark === '') throw new InvalidInputError('mark may not be empty')
}

export function mimeiId(p: MiMeiParams): string {
  checkMiMeiParams(p)
  const h = createHash('sha256')
    .update(`leither-mimei/1\n${p.author}\n${p.appId}\n${p.type}\n${p.ext}\n${p.mark}`)
    .digest()
    .subarray(0, 20)
  return shortIdFromDigest(h, IdTag.entity)
}
