export * from './short-id.ts'
export * from './key-file.ts'
export * from './signed-record.ts'
