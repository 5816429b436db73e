/**
 * Commands the RESP server answers itself (connection state, transactions,
 * pub/sub). They are listed here, without `run`, so that COMMAND and the
 * compatibility table know them.
 */
import type { DbCommand } from '../command.ts'
import { define } from './util.ts'

const note = (notes: string): DbCommand['compat'] => ({ status: 'supported', notes })

export const serverHandledCommands: DbCommand[] = [
  define('PING', -1, ['fast'], [0, 0, 0], 'connection', 'Ping the server'),
  define('ECHO', 2, ['loading', 'stale', 'fast'], [0, 0, 0], 'connection', 'Echo the given string'),
  define('QUIT', -1, ['noscript', 'loading', 'stale', 'fast'], [0, 0, 0], 'connection', 'Close the connection'),
  define('SELECT', 2, ['loading', 'stale', 'fast'], [0, 0, 0], 'connection', 'Change the selected database for the current connection', undefined, note('a db MiMei id, or 0 for the node\'s default database')),
  define('AUTH', -2, ['noscript', 'loading', 'stale', 'fast'], [0, 0, 0], 'connection', 'Authenticate to the server', undefined, note('the password from the node\'s config')),
  define('HELLO', -1, ['noscript', 'loading', 'stale', 'fast'], [0, 0, 0], 'connection', 'Handshake with Redis', undefined, note('RESP2 and RESP3')),
  define('CLIENT', -2, [], [0, 0, 0], 'connection', 'A container for client connection commands', undefined, note('SETNAME GETNAME ID INFO LIST')),
  define('INFO', -1, ['loading', 'stale'], [0, 0, 0], 'server', 'Get information and statistics about the server'),
  define('COMMAND', -1, ['loading', 'stale'], [0, 0, 0], 'server', 'Get array of Redis command details', undefined, note('COUNT INFO DOCS, from this registry')),
  define('MULTI', 1, ['noscript', 'loading', 'stale', 'fast'], [0, 0, 0], 'transactions', 'Mark the start of a transaction block'),
  define('EXEC', 1, ['noscript', 'loading', 'stale'], [0, 0, 0], 'transactions', 'Execute all commands issued after MULTI'),
  define('DISCARD', 1, ['noscript', 'loading', 'stale', 'fast'], [0, 0, 0], 'transactions', 'Discard all commands issued after MULTI'),
  define('WATCH', -2, ['noscript', 'loading', 'stale', 'fast'], [1, -1, 1], 'transactions', 'Watch the given keys to determine execution of the MULTI/EXEC block', undefined, note('by Keyspace.keyVersion')),
  define('UNWATCH', 1, ['noscript', 'loading', 'stale', 'fast'], [0, 0, 0], 'transactions', 'Forget about all watched keys'),
  define('PUBLISH', 3, ['pubsub', 'loading', 'stale', 'fast'], [0, 0, 0], 'pubsub', 'Post a message to a channel'),
  define('SUBSCRIBE', -2, ['pubsub', 'noscript', 'loading', 'stale'], [0, 0, 0], 'pubsub', 'Listen for messages published to the given channels'),
  define('UNSUBSCRIBE', -1, ['pubsub', 'noscript', 'loading', 'stale'], [0, 0, 0], 'pubsub', 'Stop listening for messages posted to the given channels'),
  define('PSUBSCRIBE', -2, ['pubsub', 'noscript', 'loading', 'stale'], [0, 0, 0], 'pubsub', 'Listen for messages published to channels matching the given patterns'),
  define('PUNSUBSCRIBE', -1, ['pubsub', 'noscript', 'loading', 'stale'], [0, 0, 0], 'pubsub', 'Stop listening for messages posted to the given channels'),
  define('PUBSUB', -2, [], [0, 0, 0], 'pubsub', 'A container for Pub/Sub commands', undefined, note('CHANNELS')),
]
