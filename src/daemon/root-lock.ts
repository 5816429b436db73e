/**
 * One node per root. The lock file holds the owner's pid; a lock left by a
 * process that no longer exists (kill -9, power cut) is taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { ConflictError, UnavailableError } from '../utils/errors.ts'

export const LOCK_FILE = 'repo.lock'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err?.code === 'EPERM'
  }
}

/** The pid holding the root's lock, if that process is alive. */
export async function lockOwner(root: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(join(root, LOCK_FILE), 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined
  } catch {
    return undefined
  }
}

export interface RootLock {
  release(): Promise<void>
}

export async function lockRoot(root: string): Promise<RootLock> {
  const path = join(root, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o644)
      await handle.writeFile(String(process.pid))
      await handle.close()
      return {
        async release() {
          try {
            if ((await readFile(path, 'utf8')).trim() === String(process.pid)) await unlink(path)
          } catch { /* already gone */ }
        },
      }
    } catch (err: any) {
      if (err?.code !== 'EEXIST') throw new UnavailableError(`cannot lock node root "${root}": ${err?.message ?? err}`)
      const owner = await lockOwner(root)
      if (owner != null && owner !== process.pid) {
        throw new ConflictError(`a node is already running in "${root}" (pid ${owner}); stop it with: Leither stop --root ${root}`)
      }
      await unlink(path).catch(() => {})
    }
  }
  throw new ConflictError(`cannot take the lock of node root "${root}"`)
}
