import { describe, expect, test } from 'bun:test'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultSystemVars, loadSystemVars, parseSystemVars, swarmPortOf } from './system-vars.ts'

const tempRoot = () => mkdtemp(join(tmpdir(), 'leither-cfg-'))

describe('SystemVars.json', () => {
  test('is created with defaults on first load', async () => {
    const root = await tempRoot()
    const vars = await loadSystemVars(root)
    expect(vars.ServicePort).toBe(8000)
    expect(vars.RespPort).toBe(6379)
    expect(vars.LAN).toBe(true)
    const onDisk = JSON.parse(await readFile(join(root, 'SystemVars.json'), 'utf8'))
    expect(onDisk.ServicePort).toBe(8000)
  })

  test('keeps keys it does not know', async () => {
    const root = await tempRoot()
    await writeFile(join(root, 'SystemVars.json'), JSON.stringify({ ServicePort: 9000, Autoupdate: 'manual' }))
    const vars = await loadSystemVars(root)
    expect(vars.ServicePort).toBe(9000)
    expect((vars as any).Autoupdate).toBe('manual')
    const onDisk = JSON.parse(await readFile(join(root, 'SystemVars.json'), 'utf8'))
    expect(onDisk).toMatchObject({ ServicePort: 9000, Autoupdate: 'manual', RespPort: 6379 })
  })

  test('that is corrupt is an error naming the file and is left untouched', async () => {
    const root = await tempRoot()
    const file = join(root, 'SystemVars.json')
    await writeFile(file, '{ "ServicePort": 80,, }')
    await expect(loadSystemVars(root)).rejects.toThrow(/SystemVars\.json.*not valid JSON/)
    expect(await readFile(file, 'utf8')).toBe('{ "ServicePort": 80,, }')
    await writeFile(file, '{ "ServicePort": "eighty" }')
    await expect(loadSystemVars(root)).rejects.toThrow(/SystemVars\.json.*ServicePort: Invalid input: expected number, received string/)
  })

  test('says what is wrong with a value, not only where', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ServicePort: 70000 }, 'ServicePort: Too big: expected number to be <=65535'],
      [{ Bootstrap: [1] }, 'Bootstrap.0: Invalid input: expected string, received number'],
      [{ DHTScope: 'moon' }, 'DHTScope: Invalid option: expected one of "all"|"wan"|"lan"'],
      [{ GatewayTimeout: 0 }, 'GatewayTimeout: Too small: expected number to be >0'],
      [{ MaxConnections: 1.5 }, 'MaxConnections: Invalid input: expected int, received number'],
    ]
    for (const [value, message] of cases) expect(() => parseSystemVars(value)).toThrow(message)
    expect(parseSystemVars({ SwarmPort: null, SwarmListen: null }).SwarmPort).toBeNull()
  })

  test('derives the swarm port from the service port', () => {
    const vars = defaultSystemVars()
    expect(swarmPortOf(vars)).toBe(8001)
    expect(swarmPortOf({ ...vars, ServicePort: 0 })).toBe(0)
    expect(swarmPortOf({ ...vars, SwarmPort: 4001 })).toBe(4001)
  })
})
