/**
 * The SDK's text, embedded at build time (a text import), so the compiled
 * binary and the Node bundle serve /leither.js without reading any file.
 */
// @ts-ignore -- Bun's text import: the file's contents as a string
import source from './leither.js' with { type: 'text' }

export const SDK_SOURCE: string = source
