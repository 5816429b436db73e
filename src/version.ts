/**
 * The program's version. package.json is inlined by the bundler; the release
 * build defines LEITHER_COMMIT (see release/build.ts), source runs have none.
 */
import pkg from '../package.json' with { type: 'json' }

declare const LEITHER_COMMIT: string | undefined

export const VERSION: string = pkg.version
export const COMMIT: string = typeof LEITHER_COMMIT !== 'undefined' ? LEITHER_COMMIT : ''
