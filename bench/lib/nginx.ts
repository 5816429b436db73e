/**
 * nginx as the static-file reference: started by the bench from a scratch
 * config on 127.0.0.1 (1 worker, access_log off, sendfile), stopped after.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { freePort } from './leither.ts'
import { exited, spawnTracked, stopTracked } from './procs.ts'
import { toolPath } from './tools.ts'

export interface Nginx {
  port: number
  stop(): Promise<void>
}

/** Serves `docroot` on a free loopback port; `prefix` is e.g. a taskset pin. */
export async function startNginx(dir: string, docroot: string, prefix: string[] = []): Promise<Nginx> {
  const bin = toolPath('nginx')
  if (bin == null) throw new Error('nginx is not installed (apt-get install nginx-light)')
  const port = await freePort()
  await mkdir(join(dir, 'tmp'), { recursive: true })
  // The worker runs as an unprivileged user when nginx starts as root: it must read the files.
  // (bench scratch dirs are mkdtemp's 0700; their parents, e.g. /tmp, are world-searchable)
  for (const d of new Set([dirname(dir), dirname(docroot), dir, docroot, join(dir, 'tmp')])) await chmod(d, 0o755)
  const conf = join(dir, 'nginx.conf')
  await writeFile(conf, `worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path ${join(dir, 'tmp')};
  server {
    listen 127.0.0.1:${port};
    root ${docroot};
  }
}
`)
  const [cmd, ...args] = [...prefix, bin, '-p', dir, '-c', conf, '-e', join(dir, 'error.log')]
  const child: ChildProcess = spawnTracked(cmd!, args)
  let log = ''
  child.stderr?.on('data', (b: Buffer) => { log += b.toString() })
  let code: number | undefined
  void exited(child).then(c => { code = c })
  const deadline = performance.now() + 10_000
  while (performance.now() < deadline) {
    if (code != null) throw new Error(`nginx exited with ${code}: ${log}`)
    try {
      await fetch(`http://127.0.0.1:${port}/`)
      return { port, stop: async () => { await stopTracked(child, 5000) } }
    } catch { /* not listening yet */ }
    await Bun.sleep(20)
  }
  await stopTracked(child, 1000)
  throw new Error(`nginx did not answer on port ${port} within 10 s: ${log}`)
}
