import { type Emulator, type EmulatorOptions, type LoggedRequest, startEmulator } from '../../emulator';
import { type ConnectOptions, connect, type Rotator } from '../../lib';
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

/** A rotator identity of a seeded organization, and the job token the tests call Azure DevOps with. */
export interface EmulatedIdentity {
  tenantId: string;
  appId: string;
  clientSecret: string;
  jobToken: string;
}

/**
 * A fresh rotator from the front door (own token cache, limiters, pacer, as one task run has):
 * the identity signs in with its client secret, Azure DevOps is called with the job token, every
 * endpoint is the emulator's.
 */
export function emulatorRotator(
  emulator: Emulator,
  identity: EmulatedIdentity,
  options: Partial<ConnectOptions> = {},
): Rotator {
  return connect({
    organizationUrl: emulator.urls.organization,
    rotator: {
      tenantId: identity.tenantId,
      appId: identity.appId,
      credential: { kind: 'secret', clientSecret: identity.clientSecret },
    },
    devOps: { kind: 'bearer', token: identity.jobToken },
    graphUrl: emulator.urls.graph,
    authorityHost: emulator.urls.authorityHost,
    ...options,
  });
}
