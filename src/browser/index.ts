/** What browsers get from a node: the SDK at /leither.js and the calls it makes. */
export { createBrowserApi } from './browser-api.ts'
export type { BrowserApiDeps } from './browser-api.ts'
