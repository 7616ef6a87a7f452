/**
 * The emulator's clock: wall-clock time plus an adjustable offset. Everything the emulator decides
 * by time (secret expiry, propagation delay, token lifetimes, throttling buckets) reads this clock,
 * so a test can jump days ahead with `advance()` instead of waiting. Network latency and fault delays
 * are real time.
 */
export interface EmulatorClock {
  /** The current emulator time. */
  now(): Date;
  /** The current emulator time in epoch milliseconds. */
  nowMs(): number;
  /** Moves the clock forward (or back, with a negative value); returns the new time. */
  advance(ms: number): Date;
  /** Sets the clock to a given instant; it keeps running from there. */
  set(date: Date | string): Date;
}

/** Creates a clock that starts at `start` (default: the wall clock). */
export function createClock(start?: Date): EmulatorClock {
  let offset = start ? start.getTime() - Date.now() : 0;
  const nowMs = () => Date.now() + offset;
  return {
    nowMs,
    now: () => new Date(nowMs()),
    advance(ms) {
      if (!Number.isFinite(ms)) throw new RangeError(`advance(): not a number of milliseconds: ${ms}`);
      offset += ms;
      return new Date(nowMs());
    },
    set(date) {
      const target = typeof date === 'string' ? new Date(date) : date;
      if (Number.isNaN(target.getTime())) throw new RangeError(`set(): not a date: ${String(date)}`);
      offset = target.getTime() - Date.now();
      return new Date(nowMs());
    },
  };
}
