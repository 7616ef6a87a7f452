import { type Emulator, type EmulatorOptions, type LoggedRequest, startEmulator } from '../../emulator';
import type { Clock } from '../../lib/clock';
import { adaptersOrg } from './adapters-org';

/** Starts an emulator seeded with the adapters organization, trusting the launcher's CA. */
export function startAdaptersEmulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ org: adaptersOrg(), caDir: process.env['SCR_EMULATOR_CA_DIR'], ...options });
}

/**
 * A clock whose sleeps move the emulator's clock instead of waiting: retries and propagation
 * delays (emulator time) pass instantly, and the waits asked for are recorded.
 */
export class EmulatorDrivenClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private readonly emulator: Emulator) {}
  now(): number {
    return this.emulator.clock.nowMs();
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.emulator.clock.advance(ms);
  }
}

/** Log entries of one operation. */
export function ops(emulator: Emulator, operation: string): LoggedRequest[] {
  return emulator.requests().filter((entry) => entry.operation === operation);
}
