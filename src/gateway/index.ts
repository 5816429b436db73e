/** The public, read-only HTTP gateway. */
export { createIpfsGateway } from './ipfs.ts'
export type { IpfsGatewayDeps } from './ipfs.ts'
