/**
 * How much of the reliability suite runs. `npm test` runs a fast subset (a few cases of each kind,
 * small organizations); `npm run test:reliability` sets `SCR_RELIABILITY=full` and runs the whole
 * matrix.
 */
export const FULL = process.env.SCR_RELIABILITY === 'full';

/** `all` under the full run, `fast` otherwise. */
export function sized<T>(fast: T, all: T): T {
  return FULL ? all : fast;
}
