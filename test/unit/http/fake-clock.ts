import type { Clock } from '../../../lib/clock';

/**
 * A clock that never waits: `sleep(ms)` records `ms`, moves time forward by it and resolves.
 * Code that sleeps between attempts runs in microseconds and tests assert the exact waits.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(public nowMs = Date.UTC(2026, 10, 23, 3, 0, 0)) {}

  now(): number {
    return this.nowMs;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.nowMs += ms;
  }

  advance(ms: number): void {
    this.nowMs += ms;
  }
}
