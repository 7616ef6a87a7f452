/**
 * The rotation protocol for one connection (spec §5.1): mint → prove the credential → prove the
 * connection → switch (the commit point) → confirm → retire.
 *
 * Before the commit point every failure removes the password just minted, so the connection
 * keeps its old, working secret. So does a cancellation (issue #13): a connection cancelled between
 * mint and switch removes its new password rather than wait out the propagation and the proofs,
 * so a cancelled run never leaves a password minted and neither installed nor removed, unless the
 * removal itself fails (then the next run removes it). Once the switching PUT is sent it is never
 * aborted; a cancellation after it stops at the next step boundary. After it nothing is undone: the connection uses the new secret,
 * old ones stay until a later run retires them. When the PUT's outcome is ambiguous (no answer,
 * 5xx), the connection is read back to see whether our record landed before deciding.
 *
 * The same protocol rotates a certificate connection (spec §9): what differs, minting a password
 * or generating a certificate and adding it to the app's `keyCredentials`, proving it, the
 * parameter it is installed in and removing it, is the entry's {@link CredentialKind}.
 */
import type { EndpointDocument } from '../devops/types';
import { RotatorError } from '../errors';
import { removalsAfterSwitch } from './after-switch';
import { logRemoval, removePlanned } from './cleanup';
import { type CredentialKind, kindOf, type MintedCredential } from './credential-kinds';
import type { PlanEntry } from './planner';
import { parseRecord, withRecord } from './record';
import {
  abortedIssue,
  emptyResult,
  type Issue,
  type RotationResult,
  type RotationStep,
  toIssue,
} from './results';
import { type RunContext, type StepLog, Stopped } from './run-context';
import { buildSwitchDocument, effectiveCreationMode } from './switch-document';
import { assertStillAsPlanned, mayHaveLanded } from './switch-guards';

/** Whether the switching PUT took effect. */
type Commit = 'no' | 'maybe' | 'yes';

interface Target {
  projectId: string;
  appObjectId: string;
  tenantId: string;
  appId: string;
}

/** Rotates the connection of a `rotate` entry. Never rejects except with {@link Stopped}. */
export async function rotateConnection(
  entry: PlanEntry,
  ctx: RunContext,
  steps: StepLog,
): Promise<RotationResult> {
  const { projectId, appObjectId, tenantId, appId } = entry;
  if (!projectId || !appObjectId || !tenantId || !appId) {
    const issue = toIssue(
      new RotatorError('internal', 'The plan entry names no project, app or tenant.'),
      [],
    );
    return { ...emptyResult(entry, 'failed'), error: issue };
  }
  return new Rotation(entry, { projectId, appObjectId, tenantId, appId }, ctx, steps).run();
}

class Rotation {
  private readonly result: RotationResult;
  private step: RotationStep = 'mint';
  private readonly kind: CredentialKind;
  /** The credential minted in this run; forgotten when the run ends. */
  private minted: MintedCredential | null = null;
  private commit: Commit = 'no';
  /** When the switching PUT was sent (its record's `installedAt`): the grace counts from here. */
  private switchedAtMs = 0;
  /** The last step that succeeded, for a cancellation that interrupts the next one. */
  private lastDone: RotationStep | null = null;

  constructor(
    private readonly entry: PlanEntry,
    private readonly target: Target,
    private readonly ctx: RunContext,
    private readonly steps: StepLog,
  ) {
    this.result = emptyResult(entry, 'failed');
    this.kind = kindOf(entry);
  }

  /** Strings redacted from every message of this run. */
  private get secrets(): string[] {
    return this.minted?.secrets ?? [];
  }

  /** What the connection holds, in the existing wording: `secret` or `certificate`. */
  private get noun(): string {
    return this.kind.noun === 'password' ? 'secret' : 'certificate';
  }

  private get secret(): string {
    return this.minted?.value ?? '';
  }

  async run(): Promise<RotationResult> {
    try {
      await this.mint();
      this.checkpoint('mint');
      await this.proveCredential();
      this.checkpoint('prove_credential');
      const proposed = await this.proveConnection();
      this.checkpoint('prove_connection');
      await this.switchTo(proposed);
      this.checkpoint('switch');
      const confirmed = await this.confirm();
      this.checkpoint('confirm');
      if (!confirmed) return this.result;
      this.step = 'retire';
      this.result.action = 'rotated';
      this.result.tookOver = this.entry.takeOver;
      const removal = await removePlanned(
        removalsAfterSwitch(this.entry, this.ctx.policy, this.switchedAtMs, this.ctx.clock.now()),
        this.target.appObjectId,
        [this.result.newKeyId!],
        this.ctx,
      );
      this.result.removedKeyIds.push(...removal.removed);
      this.result.error = removal.issue;
      logRemoval(removal, this.steps);
      this.steps.checkpoint('retire');
      return this.result;
    } catch (error) {
      // `await`, not a bare return: `finally` must not forget the secret before `fail` redacts with it.
      if (error instanceof Stopped) return await this.stopped(error);
      if (this.cancelledBy(error)) return await this.stopped(new Stopped(this.lastDone, 'cancelled'));
      return await this.fail(error);
    } finally {
      this.minted = null;
    }
  }

  private checkpoint(step: RotationStep): void {
    this.lastDone = step;
    this.steps.checkpoint(step);
  }

  /** The run was cancelled and `error` is that cancellation (an aborted wait), not a failure. */
  private cancelledBy(error: unknown): boolean {
    const signal = this.ctx.signal;
    if (!signal?.aborted) return false;
    if (error === signal.reason) return true;
    if (error instanceof RotatorError && error.code === 'rotation.aborted') return true;
    return error instanceof Error && error.name === 'AbortError';
  }

  /** Step 1: a new password or certificate, its secrets masked before anything else sees them. */
  private async mint(): Promise<void> {
    this.step = 'mint';
    const minted = await this.kind.mint(this.entry, this.target.appObjectId, this.ctx, (keyId, expiresAt) => {
      this.result.newKeyId = keyId;
      this.result.newExpiresAt = expiresAt;
    });
    this.minted = minted;
    this.steps.succeeded(
      'mint',
      `Added ${this.kind.noun} ${minted.keyId}, valid until ${this.result.newExpiresAt}.`,
    );
  }

  /** Step 2: a token can be acquired with the new credential (the prover waits out propagation). */
  private async proveCredential(): Promise<void> {
    this.step = 'prove_credential';
    await this.kind.prove(this.target.tenantId, this.target.appId, this.minted!, this.ctx);
    this.steps.succeeded('prove_credential', `${capital(this.kind.noun)} ${this.result.newKeyId} signs in.`);
  }

  /** Step 3: the connection as it is now, unchanged in what matters, passes TestConnection with the new secret. */
  private async proveConnection(): Promise<EndpointDocument> {
    this.step = 'prove_connection';
    const current = await this.read();
    assertStillAsPlanned(current, this.entry);
    const proposed = buildSwitchDocument(current, {
      secret: this.secret,
      parameter: this.kind.parameter,
      record: { keyId: this.result.newKeyId!, installedAt: new Date(this.ctx.clock.now()).toISOString() },
      takeOver: this.entry.takeOver,
    });
    await this.testConnection(proposed);
    this.steps.succeeded('prove_connection', `TestConnection passed with the new ${this.noun}.`);
    return proposed;
  }

  /**
   * Step 4, the commit point: one PUT with the new secret and its record. The connection is read
   * once more right before it, so the record names the install it really replaces (a concurrent
   * run may have switched the connection while we tested): see {@link previousInstall}.
   */
  private async switchTo(proposed: EndpointDocument): Promise<void> {
    this.step = 'switch';
    const latest = await this.read();
    assertStillAsPlanned(latest, this.entry);
    this.commit = 'maybe';
    this.switchedAtMs = this.ctx.clock.now();
    const document = installedNow(withPreviousInstall(proposed, latest), this.switchedAtMs);
    try {
      await this.ctx.connections.update(document);
      this.commit = 'yes';
    } catch (error) {
      if (!mayHaveLanded(error)) {
        this.commit = 'no';
        throw error;
      }
      this.ctx.logger.warn(
        `"${this.entry.connectionName}": the switch got no clear answer; reading the connection back.`,
      );
      this.commit = await this.landed();
      if (this.commit !== 'yes') throw error;
    }
    const takeOver = this.entry.takeOver ? ' and made it Manual' : '';
    this.steps.succeeded(
      'switch',
      `Installed ${this.kind.noun} ${this.result.newKeyId} with its record${takeOver}.`,
    );
  }

  /** After an ambiguous PUT: did our record land? Read twice, the second time after a pause. */
  private async landed(): Promise<Commit> {
    try {
      for (const wait of [0, this.ctx.ambiguousRecheckMs]) {
        if (wait > 0) await this.ctx.clock.sleep(wait, this.ctx.signal);
        const doc = await this.read();
        if (parseRecord(doc?.description)?.keyId === this.result.newKeyId?.toLowerCase()) return 'yes';
      }
      return 'no';
    } catch {
      return 'maybe';
    }
  }

  /** Step 5: our record is there and the stored connection works. False when a race was lost. */
  private async confirm(): Promise<boolean> {
    this.step = 'confirm';
    const stored = await this.read();
    if (!stored)
      throw new RotatorError('devops.not_found', 'The connection disappeared right after the switch.');
    const record = parseRecord(stored.description);
    const ours = this.result.newKeyId!.toLowerCase();
    if (record && record.keyId !== ours) {
      await this.loseRace(record.keyId);
      return false;
    }
    if (!record) {
      throw new RotatorError(
        'rotation.connection_changed',
        'The rotation record is gone from the description right after the switch (edited concurrently?), so nothing says which secret is in use.',
        { fix: 'Check the connection; the next run establishes a record again.' },
      );
    }
    if (stored.isReady === false) {
      throw new RotatorError('devops.failed', 'The connection is not ready after the switch.', {
        fix: 'Open the connection in Azure DevOps and check its state.',
      });
    }
    await this.testConnection();
    this.steps.succeeded(
      'confirm',
      `The connection carries record ${ours}, is ready and passes TestConnection.`,
    );
    return true;
  }

  private read(): Promise<EndpointDocument | null> {
    return this.ctx.connections.get(this.target.projectId, this.entry.connectionId);
  }

  /** TestConnection with `proposed` details (the new secret) or, without, the stored ones. */
  private async testConnection(proposed?: EndpointDocument): Promise<void> {
    const test = await this.ctx.connections.test(this.target.projectId, this.entry.connectionId, proposed);
    if (test.ok) return;
    const which = proposed ? `with the new ${this.noun}` : 'of the stored connection';
    throw new RotatorError(
      'devops.test_connection_failed',
      `TestConnection ${which} answered ${test.statusCode}${test.message ? `: ${test.message}` : ''}.`,
      {
        fix: "Check that the app's service principal still holds a role on the connection's scope (subscription, management group).",
      },
    );
  }

  /** Another run switched the connection after us: remove our password only, never theirs. */
  private async loseRace(theirs: string): Promise<void> {
    const ours = this.result.newKeyId!;
    const noun = this.kind.noun;
    const message = `Another rotation switched the connection to ${noun} ${theirs} at the same time.`;
    this.steps.failed('confirm', message);
    let note = `Our new ${noun} ${ours} was removed; theirs is kept.`;
    try {
      await this.kind.remove(this.target.appObjectId, ours, this.ctx);
      this.result.removedKeyIds.push(ours);
      this.steps.succeeded('compensate', `Removed our ${noun} ${ours}.`);
    } catch (error) {
      const why = toIssue(error, this.secrets).message;
      this.steps.failed('compensate', why);
      note = `Removing our new ${noun} ${ours} failed (${why}); a later run removes it.`;
    }
    this.result.action = 'race_lost';
    this.result.error = {
      code: 'rotation.race_lost',
      message: `${message} ${note}`,
      fix: 'Nothing to do; avoid running two rotations of the same connection at once.',
    };
  }

  /**
   * Stopped at a step boundary. After a simulated crash nothing is undone. After a cancellation
   * before the switch, the new password is removed (the connection keeps its secret); after the
   * switch the connection uses the new password and nothing is undone.
   */
  private async stopped(stop: Stopped): Promise<RotationResult> {
    const keyId = this.result.newKeyId;
    let left =
      keyId && this.commit !== 'yes' && !this.result.removedKeyIds.includes(keyId)
        ? ` The new ${this.kind.noun} ${keyId} may be unused; a later run removes it once no record names it.`
        : '';
    if (stop.reason === 'cancelled') {
      this.ctx.logger.info(`"${this.entry.connectionName}": cancelled after ${stop.step ?? 'nothing'}.`);
      if (keyId && this.commit === 'no') left = await this.compensate(keyId);
      else if (this.commit === 'yes') left = ` The connection uses the new ${this.kind.noun} ${keyId}.`;
    }
    return {
      ...this.result,
      tookOver: this.commit === 'yes' && this.entry.takeOver,
      error: abortedIssue(stop, left, stop.reason === 'cancelled'),
    };
  }

  private async fail(error: unknown): Promise<RotationResult> {
    const issue = toIssue(error, this.secrets, `${stepLabel(this.step, this.kind.noun)} failed: `);
    this.steps.failed(this.step, issue.message);
    const keyId = this.result.newKeyId;
    let note = '';
    if (keyId && this.commit === 'no') {
      note = await this.compensate(keyId);
    } else if (keyId && this.commit === 'maybe') {
      note = ` Whether the connection now uses the new ${this.kind.noun} ${keyId} is unknown, so it is kept; the next run removes it if no record names it.`;
    } else if (keyId) {
      note = ` The connection uses the new ${this.kind.noun} ${keyId}; older ${this.kind.noun}s were kept.`;
    }
    return {
      ...this.result,
      tookOver: this.commit === 'yes' && this.entry.takeOver,
      error: withNote(issue, note),
    };
  }

  /** Removes the credential just minted; the connection still holds its old one. */
  private async compensate(keyId: string): Promise<string> {
    const noun = this.kind.noun;
    try {
      await this.kind.remove(this.target.appObjectId, keyId, this.ctx);
      this.result.removedKeyIds.push(keyId);
      this.steps.succeeded(
        'compensate',
        `Removed the new ${noun} ${keyId}; the connection keeps its ${this.noun}.`,
      );
      return ` The new ${noun} ${keyId} was removed; the connection keeps its previous ${this.noun}.`;
    } catch (error) {
      const why = toIssue(error, this.secrets).message;
      this.steps.failed('compensate', why);
      return ` Removing the new ${noun} ${keyId} failed too (${why}); the connection keeps its previous ${this.noun} and a later run removes the unused ${noun}.`;
    }
  }
}

/** What a step does, for failure messages. */
function stepLabel(step: RotationStep, noun: CredentialKind['noun']): string {
  switch (step) {
    case 'mint':
      return noun === 'password' ? 'Minting a new password' : 'Adding a new certificate';
    case 'prove_credential':
      return `Proving the new ${noun}`;
    case 'prove_connection':
      return `Testing the connection with the new ${noun === 'password' ? 'secret' : noun}`;
    case 'switch':
      return `Switching the connection to the new ${noun}`;
    case 'confirm':
      return 'Confirming the switch';
    case 'inspect':
      return 'Reading the connection';
    case 'retire':
      return `Removing superseded ${noun}s`;
    case 'compensate':
      return `Removing the new ${noun}`;
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * What the new record says about the install it replaces (`previousInstalledAt`, read just before
 * the PUT): the current record's time, or `none` for an Automatic connection (Azure DevOps manages
 * its secret: no password of ours was ever installed on it, since installing one makes it Manual).
 * Without a record on a Manual connection it is unknown (the record may have been edited out) and
 * left out. With it, a later run tells a crashed run's orphan, minted after that install and never
 * installed, from the password this switch superseded, even once the record has moved past both
 * (planner.ts); read any earlier, a password a concurrent run installed meanwhile would pass for
 * an orphan.
 */
function previousInstall(current: EndpointDocument): { previousInstalledAt?: string } {
  const record = parseRecord(current.description);
  if (record) return { previousInstalledAt: record.installedAt };
  return effectiveCreationMode(current) === 'Automatic' ? { previousInstalledAt: 'none' } : {};
}

/** The switch document with its record's `previousInstalledAt` taken from `latest`. */
function withPreviousInstall(proposed: EndpointDocument, latest: EndpointDocument): EndpointDocument {
  const record = parseRecord(proposed.description);
  if (!record) return proposed;
  const { previousInstalledAt: _stale, ...rest } = record;
  const next = { ...rest, ...previousInstall(latest) };
  return { ...proposed, description: withRecord(proposed.description, next) };
}

/**
 * The switch document with its record's `installedAt` set to the moment of the switch. Stamped
 * when the document was built, before TestConnection, it would let a concurrent run mint, switch
 * in and confirm its own password after that instant and before our PUT: the planner would then
 * take that password, the connection's secret until our PUT, for a crashed run's orphan (minted
 * after the install) and remove it an hour later instead of retiring it after `revokeAfterHours`
 * (spec §5.1 step 6; test/integration/rotate-overlapping-runs.test.ts). What remains is the time
 * the PUT itself takes, retries included.
 */
function installedNow(proposed: EndpointDocument, nowMs: number): EndpointDocument {
  const record = parseRecord(proposed.description);
  if (!record) return proposed;
  const installedAt = new Date(nowMs).toISOString();
  return { ...proposed, description: withRecord(proposed.description, { ...record, installedAt }) };
}

function withNote(issue: Issue, note: string): Issue {
  return note ? { ...issue, message: issue.message + note } : issue;
}
