export * from './system-vars.ts'
