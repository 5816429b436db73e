/**
 * The OpenAPI 3.1 document at /api/v0/openapi.json, generated from the
 * command table so it cannot drift from what the node serves.
 */
import type { Command } from './command.ts'
import { commands } from './commands/index.ts'
import { VERSION } from '../version.ts'

function operation(cmd: Command, path: string) {
  const parameters = [
    // Arguments from uploadArg on travel in the multipart body, not as arg=.
    ...(cmd.args ?? []).slice(0, cmd.uploadsFiles === true ? cmd.uploadArg ?? 0 : undefined).map(a => ({
      name: 'arg',
      in: 'query',
      required: a.required === true,
      description: `${a.name}: ${a.description}`,
      schema: a.variadic === true ? { type: 'array', items: { type: 'string' } } : { type: 'string' },
      ...(a.variadic === true ? { style: 'form', explode: true } : {}),
    })),
    ...(cmd.options ?? []).map(o => ({
      name: o.name,
      in: 'query',
      required: false,
      description: o.description,
      schema: { type: o.type, ...(o.default !== undefined ? { default: o.default } : {}) },
    })),
  ]
  const content = cmd.output === 'json'
    ? { 'application/json': { schema: { type: 'object' } } }
    : cmd.output === 'ndjson'
      ? { 'application/x-ndjson': { schema: { type: 'object' } } }
      : { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } }
  return {
    operationId: path.replaceAll('/', '_'),
    summary: cmd.summary,
    tags: [cmd.path[0]],
    parameters,
    ...(cmd.uploadsFiles === true
      ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } } } }
      : {}),
    responses: {
      200: { description: 'success', content },
      default: { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  }
}

export function openApiDocument() {
  const paths: Record<string, unknown> = {}
  for (const cmd of commands) {
    if (cmd.runsIn === 'local' && cmd.servedOverHttp !== true) continue
    const own = cmd.path.join('/')
    paths[`/api/v0/${own}`] = { post: operation(cmd, own) }
    for (const alias of cmd.kubo ?? []) {
      if (alias !== own) paths[`/api/v0/${alias}`] = { post: { ...operation(cmd, alias), description: `kubo-compatible alias of /api/v0/${own}` } }
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Leither node API', version: VERSION, description: 'Every Leither command; kubo RPC paths answer too. Loopback callers only.' },
    servers: [{ url: 'http://127.0.0.1:8000' }],
    paths,
    components: {
      schemas: {
        Error: { type: 'object', properties: { Message: { type: 'string' }, Code: { type: 'integer' }, Type: { type: 'string', const: 'error' } }, required: ['Message', 'Type'] },
      },
    },
  }
}
