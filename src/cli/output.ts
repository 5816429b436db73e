/** Where CLI output goes: stdout for results, stderr for progress and errors. */
import type { Output } from '../api/command.ts'

export const stdoutLines: Output = {
  line: (text: string) => { process.stdout.write(text + '\n') },
}

/** Writes bytes to stdout, waiting when the pipe is full. */
export async function writeStdout(chunk: Uint8Array): Promise<void> {
  if (!process.stdout.write(chunk)) await new Promise<void>(resolve => process.stdout.once('drain', () => resolve()))
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}
