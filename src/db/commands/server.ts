/** Server commands a keyspace answers itself: DBSIZE, FLUSHDB, TIME. */
import type { DbCommand, ExecContext } from '../command.ts'
import { array, bulk, Errors, int, OK } from '../reply.ts'
import type { Reply } from '../reply.ts'
import { fail, is } from '../args.ts'
import type { Keyspace } from '../keyspace.ts'
import { define } from './util.ts'

function dbsize(ks: Keyspace): Reply {
  return int(ks.keys.count)
}

function flushdb(ks: Keyspace, args: Uint8Array[]): Reply {
  if (args.length > 2 || (args.length === 2 && !is(args[1]!, 'ASYNC') && !is(args[1]!, 'SYNC'))) fail(Errors.syntax)
  ks.keys.flush()
  ks.markFlushed()
  return OK
}

function time(_ks: Keyspace, _args: Uint8Array[], ctx: ExecContext): Reply {
  const seconds = Math.floor(ctx.now / 1000)
  const micros = Math.floor((ctx.now - seconds * 1000) * 1000)
  return array([bulk(String(seconds)), bulk(String(micros))])
}

export const serverCommands: DbCommand[] = [
  define('DBSIZE', 1, ['readonly', 'fast'], [0, 0, 0], 'server', 'Return the number of keys in the selected database', dbsize,
    { status: 'supported', notes: 'counts expired keys not yet swept, as Redis does' }),
  define('FLUSHDB', -1, ['write'], [0, 0, 0], 'server', 'Remove all keys from the current database', flushdb, { status: 'supported', notes: 'ASYNC and SYNC both empty it at once' }),
  define('TIME', 1, ['loading', 'stale', 'fast'], [0, 0, 0], 'server', 'Return the current server time', time, { status: 'supported', notes: 'millisecond resolution (the command clock)' }),
]
