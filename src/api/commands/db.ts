/**
 * db: run one Redis command on a database — `Leither db <mid|-> SET k v`,
 * POST /api/v0/db?arg=<db>&arg=SET&arg=k&arg=v. The same engine and the
 * same databases the Redis protocol port serves.
 */
import type { Command } from '../command.ts'
import { requireArg } from '../command.ts'
import { replyToJson, replyToText } from './db-reply.ts'
import { InvalidInputError } from '../../utils/errors.ts'

const enc = new TextEncoder()

export const dbCommands: Command[] = [
  {
    path: ['db'],
    summary: 'Run a Redis command on a database: db <mid|-> <COMMAND> [args…] (- = the default database; global flags go before "db")',
    args: [
      { name: 'db', description: 'a db MiMei ID, <mid>@<ver> (read-only), or - for the default database' },
      { name: 'command', description: 'the Redis command and its arguments', variadic: true },
    ],
    output: 'json',
    runsIn: 'node',
    rawArgs: true,
    async run({ node, args }) {
      const name = requireArg(args, 0, 'db')
      if (args.length < 2) throw new InvalidInputError('db needs a Redis command after the database, e.g.: db - PING')
      const ks = await node.databases.open(name === '-' ? '0' : name)
      const reply = ks.execute(args.slice(1).map(a => enc.encode(a)), { now: Date.now(), resp: 2 })
      return { Reply: replyToJson(reply), Text: replyToText(reply), Error: reply.t === 'error' ? reply.v : undefined }
    },
    render: (r, out) => out.line(r.Text),
  },
]
