/**
 * Lets the interface-blockstore/datastore compliance suites, written for mocha and
 * `aegir/chai`, run under `bun test`. Call `installMochaChai()`, then import the suite
 * dynamically so it loads through the hooks installed here.
 *
 * bun test binds a module's free `describe`/`it` to its own, which calls tests with no `this`,
 * while the datastore suite calls mocha's `this.timeout()`. So the suites' source gets a first
 * line that binds mocha-style functions instead, and `aegir/chai` (not installed) becomes a
 * module with the `expect` below. Only the chai chains those suites use are here; an unknown
 * one fails loudly as undefined.
 */
import { deepStrictEqual, strictEqual } from 'node:assert'
import { isDeepStrictEqual } from 'node:util'
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'bun:test'

const SUITES = /[\\/]interface-(block|data)store-tests[\\/]dist[\\/]src[\\/]index\.js$/
const GLOBAL = '__leitherMocha'

let installed = false

/** Routes the compliance suites' mocha globals and `aegir/chai` to bun:test and `expect`. */
export function installMochaChai (): void {
  if (installed) return
  installed = true
  // mocha's `this` in a test; bun's own timeout (bunfig.toml) applies.
  const context = { timeout: () => context, slow: () => context }
  const mochaIt = (name: string, fn: (this: typeof context) => unknown): void => {
    it(name, async () => { await fn.call(context) })
  }
  Object.assign(globalThis, {
    [GLOBAL]: { describe, it: mochaIt, before: beforeAll, after: afterAll, beforeEach, afterEach }
  })
  Bun.plugin({
    name: 'mocha-chai-shim',
    setup (build) {
      build.module('aegir/chai', () => ({ exports: { expect }, loader: 'object' }))
      build.onLoad({ filter: SUITES }, async ({ path }) => ({
        contents: `const { describe, it, before, after, beforeEach, afterEach } = globalThis.${GLOBAL};\n${await Bun.file(path).text()}`,
        loader: 'js'
      }))
    }
  })
}

/** chai's `expect`, for the chains the compliance suites use. */
export function expect (value: unknown): Assertion {
  return new Assertion(value)
}

type Check = (actual: unknown) => unknown

class Assertion {
  private readonly checks: Check[] = []
  private deepFlag = false
  private negate = false
  private deferred = false
  private expectRejection = false
  // Checks run in order on a target that `property` may replace; synchronous assertions run
  // each one as it is added, deferred ones all at once on the promise's outcome.
  private target: unknown = undefined
  private ran = 0

  constructor (private readonly value: unknown) {}

  // Language chains: no effect.
  get to (): this { return this }
  get be (): this { return this }
  get been (): this { return this }
  get is (): this { return this }
  get that (): this { return this }
  get which (): this { return this }
  get and (): this { return this }
  get have (): this { return this }
  get has (): this { return this }
  get with (): this { return this }
  get of (): this { return this }

  get not (): this { this.negate = true; return this }
  get eventually (): this { this.deferred = true; return this }

  /** chai-as-promised: the target becomes the rejection reason. */
  get rejected (): this {
    this.deferred = true
    this.expectRejection = true
    return this
  }

  get deep (): this { this.deepFlag = true; return this }

  /** Makes `await expect(promise).to.eventually…` run the recorded checks on the outcome. */
  get then (): ((resolve: (v: unknown) => void, reject: (e: unknown) => void) => void) | undefined {
    if (!this.deferred) return undefined
    return (resolve, reject) => { this.settle().then(resolve, reject) }
  }

  equal (expected: unknown): this {
    const deep = this.deepFlag
    return this.check(actual => { deep ? deepStrictEqual(actual, expected) : strictEqual(actual, expected) })
  }

  eql (expected: unknown): this {
    return this.check(actual => { deepStrictEqual(actual, expected) })
  }

  include (part: unknown): this {
    return this.check(actual => {
      const ok = typeof actual === 'string' ? actual.includes(String(part)) : (actual as unknown[]).includes(part)
      assert(ok, `expected ${show(actual)} to include ${show(part)}`)
    })
  }

  lengthOf (n: number): this {
    return this.check(actual => { strictEqual((actual as { length: number }).length, n) })
  }

  length (n: number): this { return this.lengthOf(n) }

  greaterThan (n: number): this {
    return this.check(actual => { assert((actual as number) > n, `expected ${show(actual)} to be above ${n}`) })
  }

  /** With one argument the target becomes the property's value, as in chai. */
  property (name: string, ...expected: unknown[]): this {
    this.checks.push(actual => {
      assert(actual != null && name in (actual as object), `expected ${show(actual)} to have property "${name}"`)
      const value = (actual as Record<string, unknown>)[name]
      if (expected.length > 0) strictEqual(value, expected[0])
      return value
    })
    if (!this.deferred) this.runChecks(this.value)
    return this
  }

  members (expected: unknown[]): this {
    return this.check(actual => {
      const rest = [...(actual as unknown[])]
      for (const item of expected) {
        const i = rest.findIndex(candidate => isDeepStrictEqual(candidate, item))
        assert(i >= 0, `expected ${show(actual)} to have member ${show(item)}`)
        rest.splice(i, 1)
      }
      assert(rest.length === 0, `expected ${show(actual)} to have no members but ${show(expected)}`)
    })
  }

  // dirty-chai style terminators, callable with an optional message.
  ok (message?: string): this { return this.check(actual => { assert(Boolean(actual), message ?? `expected ${show(actual)} to be truthy`) }) }
  true (message?: string): this { return this.check(actual => { assert(actual === true, message ?? `expected ${show(actual)} to be true`) }) }
  false (message?: string): this { return this.check(actual => { assert(actual === false, message ?? `expected ${show(actual)} to be false`) }) }
  exist (message?: string): this { return this.check(actual => { assert(actual != null, message ?? `expected ${show(actual)} to exist`) }) }

  private check (fn: (actual: unknown) => void): this {
    const negate = this.negate
    this.negate = false
    this.checks.push(actual => {
      let failed: unknown
      try { fn(actual) } catch (err) { failed = err }
      if (negate && failed == null) throw new Error(`expected ${show(actual)} not to pass: ${fn.toString()}`)
      if (!negate && failed != null) throw failed
      return actual
    })
    if (!this.deferred) this.runChecks(this.value)
    return this
  }

  private runChecks (initial: unknown): void {
    if (this.ran === 0) this.target = initial
    for (const check of this.checks.slice(this.ran)) {
      this.target = check(this.target)
      this.ran++
    }
  }

  private async settle (): Promise<unknown> {
    let outcome: unknown
    try {
      outcome = await this.value
    } catch (err) {
      if (!this.expectRejection) throw err
      this.runChecks(err)
      return err
    }
    if (this.expectRejection) throw new Error(`expected promise to be rejected but it resolved with ${show(outcome)}`)
    this.runChecks(outcome)
    return outcome
  }
}

function assert (condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

function show (value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : Bun.inspect(value)
  } catch {
    return String(value)
  }
}
