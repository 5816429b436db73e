/** The public, read-only HTTP gateway. */
export { createIpfsGateway, createIpfsHandler } from './ipfs.ts'
export type { IpfsGateway, IpfsGatewayDeps, IpfsHandler } from './ipfs.ts'
export type { LocalBlocks } from './local-blocks.ts'
export { createMiMeiGateway } from './mimei-route.ts'
export type { MiMeiGatewayDeps } from './mimei-route.ts'
