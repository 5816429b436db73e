/** The public, read-only HTTP gateway. */
export { createIpfsGateway } from './ipfs.ts'
export type { IpfsGatewayDeps } from './ipfs.ts'
export { createMiMeiGateway } from './mimei-route.ts'
export type { MiMeiGatewayDeps } from './mimei-route.ts'
