/**
 * What one execution shares across connections, and the step log every connection writes to:
 * events through `onStep`, lines through the logger, and the crash points tests stop at.
 */

import type { CertificateRequest, GeneratedCertificate } from '../certificates/generate-certificate';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { PlanEntry } from './planner';
import type { RotationPolicy } from './policy';
import type { CertificateStore, ConnectionStore, CredentialProver, CredentialStore } from './ports';
import type { RotationStep, StepEvent } from './results';

/** The executor's dependencies and settings, resolved. */
export interface RunContext {
  connections: ConnectionStore;
  credentials: CredentialStore;
  prover: CredentialProver;
  /** Application certificates; needed only to rotate certificate connections. */
  certificates?: CertificateStore | undefined;
  /** Generates certificates. @default generateCertificate */
  generateCertificate?: ((request: CertificateRequest) => Promise<GeneratedCertificate>) | undefined;
  /** keyIds for new certificates. @default crypto.randomUUID */
  newKeyId?: (() => string) | undefined;
  clock: Clock;
  logger: Logger;
  mask: (secret: string) => void;
  policy: RotationPolicy;
  ambiguousRecheckMs: number;
  signal: AbortSignal | undefined;
  onStep: ((event: StepEvent) => void) | undefined;
  stopAfter: ((step: RotationStep, connectionId: string) => boolean) | undefined;
}

/**
 * Thrown at a step boundary when the run is cancelled (`signal`: `cancelled`) or a test stops it
 * there (`stopAfter`: a simulated crash). After a crash nothing is undone: it stands for the
 * process dying, and the protocol converges from there on the next run. After a cancellation the
 * rotation still removes a password it minted and did not install (rotate-connection.ts).
 */
export class Stopped extends Error {
  override readonly name = 'Stopped';
  constructor(
    readonly step: RotationStep | null,
    readonly reason: 'crash' | 'cancelled' = 'crash',
  ) {
    super(step ? `stopped after step ${step}` : 'stopped before starting');
  }
}

/** Records finished steps of one connection. */
export class StepLog {
  constructor(
    private readonly entry: PlanEntry,
    private readonly ctx: RunContext,
  ) {}

  /** A step succeeded. */
  succeeded(step: RotationStep, message: string): void {
    this.emit(step, 'succeeded', message);
    this.ctx.logger.info(`"${this.entry.connectionName}" ${step}: ${message}`);
  }

  /** A step boundary: throws {@link Stopped} if the run was cancelled or a test stops here. */
  checkpoint(step: RotationStep): void {
    if (this.ctx.stopAfter?.(step, this.entry.connectionId)) throw new Stopped(step);
    if (this.ctx.signal?.aborted) throw new Stopped(step, 'cancelled');
  }

  /** A step failed. */
  failed(step: RotationStep, message: string): void {
    this.emit(step, 'failed', message);
    this.ctx.logger.warn(`"${this.entry.connectionName}" ${step} failed: ${message}`);
  }

  private emit(step: RotationStep, outcome: StepEvent['outcome'], message: string): void {
    this.ctx.onStep?.({
      connectionId: this.entry.connectionId,
      connectionName: this.entry.connectionName,
      step,
      outcome,
      message,
    });
  }
}
