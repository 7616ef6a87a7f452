// A clock whose time moves only when everything is waiting: `sleep` registers a timer, and
// `drive` runs a promise to its end, jumping to the earliest timer each time no other work is left
// (all ports are in memory, so "no other work" is a few turns of the event loop). Unlike
// FakeClock, concurrent sleeps overlap: ten connections waiting 10 s each take 10 s, not 100 s.
import { FakeClock, tick } from './fakes';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export class VirtualClock extends FakeClock {
  private timers: Timer[] = [];
  private seq = 0;

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { at: this.ms + Math.max(0, ms), seq: this.seq++, resolve };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      timer.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });
  }

  /** Runs `work` to its end, moving time from timer to timer. */
  async drive<T>(work: Promise<T>): Promise<T> {
    let done = false;
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    work.then(
      (value) => {
        done = true;
        outcome = { ok: true, value };
      },
      (error: unknown) => {
        done = true;
        outcome = { ok: false, error };
      },
    );
    while (!done) {
      for (let i = 0; i < 5 && !done; i += 1) await tick();
      if (done) break;
      if (this.timers.length === 0) throw new Error('deadlock: nothing runs and no timer is set');
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.ms = Math.max(this.ms, next.at);
      next.resolve();
    }
    if (!outcome?.ok) throw (outcome as { error: unknown }).error;
    return outcome.value;
  }
}
