/**
 * Preloaded into a task process (`NODE_OPTIONS=--require …/clock-shift.js`) to run it *later*:
 * `Date` reads the wall clock plus `SCR_TEST_CLOCK_SHIFT_MS`. The emulator clock is advanced by
 * the same amount, so the task, Entra, Graph and Azure DevOps agree on the time, as they do in
 * production when a pipeline runs again an hour or a day after a crash. Nothing here is shipped:
 * the bundled task is unchanged and reads no such variable; timers and TLS stay on real time.
 */
const shiftMs = Number(process.env.SCR_TEST_CLOCK_SHIFT_MS ?? '0');

if (Number.isFinite(shiftMs) && shiftMs !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(realNow() + shiftMs);
      else super(...(args as [number]));
    }

    static override now(): number {
      return realNow() + shiftMs;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}

export {};
