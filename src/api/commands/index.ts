/** The command table: every command the CLI and the HTTP API know. */
import type { Command } from '../command.ts'
import { blockCommands } from './block.ts'
import { dhtCommands } from './dht.ts'
import { dbCommands } from './db.ts'
import { filesCommands } from './files.ts'
import { mimeiCommands } from './mimei.ts'
import { mimeiNetCommands } from './mimei-net.ts'
import { ipfsCommands } from './ipfs.ts'
import { lpkiCommands } from './lpki.ts'
import { nodeCommands } from './node.ts'
import { pinCommands } from './pin.ts'
import { repoCommands } from './repo.ts'
import { swarmCommands } from './swarm.ts'
import { tokenCommands } from './token.ts'

export const commands: Command[] = [
  ...nodeCommands,
  ...lpkiCommands,
  ...swarmCommands,
  ...ipfsCommands,
  ...pinCommands,
  ...repoCommands,
  ...blockCommands,
  ...dhtCommands,
  ...filesCommands,
  ...mimeiCommands,
  ...mimeiNetCommands,
  ...dbCommands,
  ...tokenCommands,
]

/** Finds a command by its words, e.g. ['ipfs', 'pin', 'add']. */
export function findCommand(words: string[]): Command | undefined {
  const name = words.join(' ')
  return commands.find(c => c.path.join(' ') === name)
}
