/**
 * Commands run as one transaction, all or nothing — the HTTP API's and the
 * browser SDK's batches. Unlike EXEC, an error undoes the whole batch, and
 * `accept` may refuse a reply (a guard that a value is still what the
 * caller read), which undoes it just the same.
 *
 * Must not run while a batch is open: the RESP server's batches open and
 * close within one synchronous turn, so a caller outside it never sees one.
 */
import type { ExecContext } from './command.ts'
import type { Keyspace } from './keyspace.ts'
import type { Reply } from './reply.ts'

export type AtomicResult = { replies: Reply[] } | { failed: number, reply: Reply }

export function executeAtomic(ks: Keyspace, commands: Uint8Array[][], ctx: ExecContext, accept?: (index: number, reply: Reply) => boolean): AtomicResult {
  ks.begin()
  const replies: Reply[] = []
  try {
    for (let i = 0; i < commands.length; i++) {
      const reply = ks.execute(commands[i]!, ctx)
      if (reply.t === 'error' || reply.t === 'wait' || (accept != null && !accept(i, reply))) {
        ks.rollback()
        return { failed: i, reply }
      }
      replies.push(reply)
    }
  } catch (e) {
    if (ks.inBatch) ks.rollback()
    throw e
  }
  ks.commit() // throws, having undone the batch, when it cannot commit
  return { replies }
}
