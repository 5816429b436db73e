/**
 * Writes docs/redis-compat.md from the command registry. Run it whenever a
 * command changes: `bun scripts/redis-compat.ts` (src/db/compat.test.ts fails
 * until the file matches).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderCompat } from '../src/db/compat.ts'

const target = join(import.meta.dir, '..', 'docs', 'redis-compat.md')
writeFileSync(target, renderCompat())
console.log(`wrote ${target}`)
