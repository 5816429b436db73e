import { messageOf } from '../utils/errors.ts'
import { logger } from '../utils/logger.ts'
import { ContentTimeoutError } from './errors.ts'
import type { Watchdog } from './watchdog.ts'

const log = logger('gateway')

/**
 * Turns a chunk source into a response body that pulls one chunk per read (backpressure).
 *
 * The first chunk is awaited here, before any header is sent, so content that cannot be
 * fetched at all still gets a real status. A failure after that can only error the body:
 * the client sees a truncated transfer, never a clean end. `mapError` names the failure;
 * `path` is for the log line.
 */
export async function openBody(
  source: AsyncIterable<Uint8Array>,
  watch: Watchdog,
  path: string,
  mapError: (err: unknown) => unknown,
): Promise<ReadableStream<Uint8Array>> {
  const chunks = source[Symbol.asyncIterator]()
  let first = await chunks.next()
  while (first.done !== true && first.value.byteLength === 0) first = await chunks.next()
  watch.disarm()
  let done = first.done === true

  return new ReadableStream<Uint8Array>({
    // Starting with a chunk queued (or closed) means no pull runs before the response is read,
    // so the caller may still disarm the watchdog after building the response.
    start(controller) {
      if (first.done === true) controller.close()
      else controller.enqueue(first.value)
    },
    async pull(controller) {
      watch.arm()
      try {
        for (;;) {
          const next = await chunks.next()
          if (next.done === true) {
            done = true
            controller.close()
            return
          }
          if (next.value.byteLength > 0) {
            controller.enqueue(next.value)
            return
          }
        }
      } catch (err) {
        done = true
        if (watch.signal.aborted && !watch.timedOut) {
          log.debug(`client left "${path}" before the end`)
          controller.error(err)
          return
        }
        const failure = watch.timedOut ? new ContentTimeoutError(path, watch.timeoutMs) : mapError(err)
        log.warn(`body of "${path}" cut short: ${messageOf(failure)}`)
        controller.error(failure)
      } finally {
        watch.disarm()
      }
    },
    cancel(reason) {
      // The client went away: stop fetching blocks for it.
      watch.abort(reason)
      if (!done) chunks.return?.().catch(() => {})
    }
  })
}
