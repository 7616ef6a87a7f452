/**
 * Waiting for work in progress after a cancellation, but not forever (spec §6: "a cancelled job
 * stops starting new work, lets work in flight reach a step boundary, and still writes the report").
 * The agent sends SIGINT and kills the task a few seconds later, so the report must be written
 * before that even when a request hangs.
 */
import type { Clock } from '../clock';

/**
 * Resolves with `work`'s value, or with `undefined` when `signal` aborts and `work` has not
 * settled `graceMs` later (on `clock`). Without a signal, or with an infinite grace, it is `work`.
 */
export async function waitOrGiveUp<T>(
  work: Promise<T>,
  options: { clock: Clock; signal: AbortSignal | undefined; graceMs: number },
): Promise<T | undefined> {
  const { signal } = options;
  if (!signal || options.graceMs === Number.POSITIVE_INFINITY) return work;
  let onAbort: (() => void) | undefined;
  // Ends the grace timer as soon as the work settles, so it keeps no process alive.
  const done = new AbortController();
  const grace = new Promise<undefined>((resolve) => {
    const startGrace = () => {
      options.clock.sleep(options.graceMs, done.signal).then(
        () => resolve(undefined),
        () => resolve(undefined),
      );
    };
    if (signal.aborted) startGrace();
    else {
      onAbort = startGrace;
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work, grace]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    done.abort();
  }
}
