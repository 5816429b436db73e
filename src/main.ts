#!/usr/bin/env bun
/** Entry point: the only place that exits the process. */
import { runCli } from './cli/cli.ts'

const code = await runCli(process.argv.slice(2))
process.exit(code)
