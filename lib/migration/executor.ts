/**
 * Runs a {@link MigrationPlan} (spec §8): per connection, in bounded parallel, one connection's
 * failure never stopping the others. Skipped and `nothing` entries send no request.
 *
 * Convert: the Entra federated credential first ({@link ensureFederatedCredential}), then the
 * `ConvertAuthenticationScheme` PUT changing only the scheme, then GET while `operationStatus` is
 * InProgress (bounded), then verify: the GET shows WIF with exactly the computed issuer and subject
 * (else `migration.subject_unexpected`, nothing more changed) and TestConnection passes, retried
 * while Entra answers AADSTS70021 (the new credential propagating; bounded like the secret proof).
 * Nothing is undone after a failure: the old secret is still on the app and inside the revert
 * window, so the next run converges (it finds the credential, resumes polling or verifies).
 *
 * Issuer move: the Entra credential beside the legacy one (its description names the legacy one),
 * then the {@link IssuerSwitch} (default: hand off to a person, "ready to switch"); a later run
 * verifies and, once the switch is `revokeAfterHours` old, deletes the legacy credential.
 *
 * A dry run is the plan itself: do not call this.
 */
import pLimit from 'p-limit';
import type { Clock } from '../clock';
import type { EndpointDocument } from '../devops/types';
import { RotatorError } from '../errors';
import { type Logger, silentLogger } from '../logger';
import { toIssue } from '../rotation/results';
import { mayHaveLanded } from '../rotation/switch-guards';
import { ensureFederatedCredential } from './ensure-fic';
import { formatFicDescription } from './fic-naming';
import type { FederatedCredentialStore, IssuerSwitch, MigrationConnectionStore } from './ports';
import { handOffIssuerSwitch } from './ports';
import type { MigrationEntry, MigrationPlan, MigrationResult, MigrationStep } from './types';
import { operationState, pollConversion, testWhilePropagating } from './waits';

/** What {@link executeMigration} needs. */
export interface MigrationExecuteOptions {
  connections: MigrationConnectionStore;
  credentials: FederatedCredentialStore;
  clock: Clock;
  /** @default handOffIssuerSwitch */
  issuerSwitch?: IssuerSwitch;
  /** @default silentLogger */
  logger?: Logger;
  /** Connections worked on at once. @default 8 */
  maxParallel?: number;
  /** Between two GETs while a conversion is InProgress. @default 5000 */
  pollIntervalMs?: number;
  /** Longest wait for a conversion; then the next run resumes it. @default 600000 (Learn: "minutes") */
  pollTimeoutMs?: number;
  /** Between TestConnection attempts while Entra answers AADSTS70021. @default 5000 */
  proofIntervalMs?: number;
  /** Longest wait for a new federated credential to work (like the secret proof). @default 120000 */
  proofTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called as each entry with work finishes, in completion order. */
  onResult?: (result: MigrationResult) => void;
  /** Called after each step of each connection. */
  onStep?: (event: {
    connectionId: string;
    connectionName: string;
    step: MigrationStep;
    message: string;
  }) => void;
  /** Test hook simulating a crash after a step: that connection stops there, nothing undone. */
  stopAfter?: (step: MigrationStep, connectionId: string) => boolean;
}

const WIF = 'WorkloadIdentityFederation';
const SP = 'ServicePrincipal';

/** Executes `plan`; one result per entry, in the plan's order. Never rejects for one connection. */
export async function executeMigration(
  plan: MigrationPlan,
  options: MigrationExecuteOptions,
): Promise<MigrationResult[]> {
  const limit = pLimit(Math.max(1, options.maxParallel ?? 8));
  return Promise.all(
    plan.entries.map((entry): MigrationResult | Promise<MigrationResult> => {
      if (entry.action === 'skip') return { ...emptyResult(entry, 'skipped'), skip: entry.skip };
      if (entry.action === 'nothing') return emptyResult(entry, 'nothing');
      return limit(async () => {
        const result = await new ConnectionMigration(entry, options).run();
        options.onResult?.(result);
        return result;
      });
    }),
  );
}

function emptyResult(entry: MigrationEntry, outcome: MigrationResult['outcome']): MigrationResult {
  return {
    connectionId: entry.connectionId,
    connectionName: entry.connectionName,
    outcome,
    createdFic: null,
    removedFics: [],
    removedKeyIds: [],
    revertSchemeDeadline: entry.revertSchemeDeadline,
    portalUrl: null,
    error: null,
    skip: null,
  };
}

class Stopped extends Error {
  constructor(readonly step: MigrationStep | null) {
    super('stopped');
  }
}

class ConnectionMigration {
  private readonly result: MigrationResult;
  private step: MigrationStep = 'ensure_fic';
  private readonly logger: Logger;

  constructor(
    private readonly entry: MigrationEntry,
    private readonly options: MigrationExecuteOptions,
  ) {
    this.result = emptyResult(entry, 'failed');
    this.logger = options.logger ?? silentLogger;
  }

  async run(): Promise<MigrationResult> {
    try {
      if (this.options.signal?.aborted) throw new Stopped(null);
      if (!this.entry.projectId) throw new RotatorError('internal', 'The plan entry names no project.');
      switch (this.entry.action) {
        case 'convert':
          await this.ensureFic(null);
          await this.convert(WIF);
          await this.verifyFederation();
          this.result.outcome = 'converted';
          break;
        case 'resume_conversion': {
          const settled = await this.poll();
          if (settled.authorization.scheme !== WIF) {
            this.result.outcome = 'nothing';
            break;
          }
          await this.verifyFederation();
          this.result.outcome = 'converted';
          break;
        }
        case 'prepare_issuer_move':
          await this.ensureFic(this.entry.legacyFic);
          await this.handOff();
          break;
        case 'verify':
          await this.verifyFederation();
          this.result.outcome = 'verified';
          if (this.entry.removeLegacyFic && this.entry.legacyFic)
            await this.removeLegacyFic(this.entry.legacyFic);
          break;
        case 'remove_secrets':
          await this.removeSecrets();
          this.result.outcome = 'cleaned';
          break;
        case 'revert':
          await this.convert(SP);
          await this.verifyRevert();
          this.result.outcome = 'reverted';
          break;
      }
      return this.result;
    } catch (error) {
      if (error instanceof Stopped) {
        const where = error.step ? `after step ${error.step}` : 'before it started';
        return {
          ...this.result,
          error: {
            code: 'rotation.aborted',
            message: `The run stopped ${where}; nothing was undone.`,
            fix: 'Run again: the migration finds what this run did and goes on from there.',
          },
        };
      }
      const issue = toIssue(error, [], `${LABEL[this.step]} failed: `);
      this.logger.warn(`"${this.entry.connectionName}" ${this.step} failed: ${issue.message}`);
      return { ...this.result, outcome: 'failed', error: issue };
    }
  }

  private done(step: MigrationStep, message: string): void {
    this.options.onStep?.({
      connectionId: this.entry.connectionId,
      connectionName: this.entry.connectionName,
      step,
      message,
    });
    this.logger.info(`"${this.entry.connectionName}" ${step}: ${message}`);
    if (this.options.signal?.aborted || this.options.stopAfter?.(step, this.entry.connectionId))
      throw new Stopped(step);
  }

  private get projectId(): string {
    return this.entry.projectId!;
  }

  private get appObjectId(): string {
    const id = this.entry.appObjectId;
    if (!id) throw new RotatorError('internal', 'The plan entry names no application.');
    return id;
  }

  private async read(): Promise<EndpointDocument> {
    const doc = await this.options.connections.get(this.projectId, this.entry.connectionId);
    if (!doc) throw new RotatorError('devops.not_found', 'The connection no longer exists.');
    return doc;
  }

  /** The Entra credential (identical existing one = success; 20 present = fic_limit). */
  private async ensureFic(legacyFic: string | null): Promise<void> {
    this.step = 'ensure_fic';
    const target = this.entry.target!;
    const { credential, created } = await ensureFederatedCredential(
      this.options.credentials,
      this.appObjectId,
      target,
      formatFicDescription(this.entry.connectionId, legacyFic),
    );
    if (created) this.result.createdFic = credential.name;
    this.done(
      'ensure_fic',
      created
        ? `Created federated credential ${credential.name} (issuer ${target.issuer}).`
        : `Federated credential ${credential.name} already trusts the Entra issuer and subject.`,
    );
  }

  /** The ConvertAuthenticationScheme PUT, only the scheme changed; then GET while InProgress. */
  private async convert(scheme: string): Promise<EndpointDocument> {
    this.step = scheme === WIF ? 'convert' : 'revert';
    const current = await this.read();
    const state = operationState(current);
    if (current.authorization.scheme !== scheme && state !== 'inprogress') {
      const body: EndpointDocument = {
        ...current,
        authorization: { ...current.authorization, scheme },
      };
      if (scheme === WIF) {
        // The upgrade body carries no deadline (ADODOCS connect-to-azure.md script).
        const { revertSchemeDeadline: _old, ...data } = current.data;
        body.data = data;
      }
      try {
        await this.options.connections.convertScheme(body);
      } catch (error) {
        // No answer: the conversion may be running or done; polling tells.
        if (!mayHaveLanded(error)) throw error;
        this.logger.warn(
          `"${this.entry.connectionName}": the conversion got no clear answer; reading it back.`,
        );
      }
    }
    this.done(this.step, `Asked Azure DevOps to convert the connection to ${scheme}.`);
    return this.poll();
  }

  /** GET until `operationStatus.state` is no longer InProgress, bounded; `Failed` says why. */
  private async poll(): Promise<EndpointDocument> {
    this.step = 'poll';
    const doc = await pollConversion(() => this.read(), this.options.clock, {
      intervalMs: this.options.pollIntervalMs ?? 5000,
      timeoutMs: this.options.pollTimeoutMs ?? 600_000,
      signal: this.options.signal,
    });
    this.done('poll', `The connection is ${doc.authorization.scheme} and ready.`);
    return doc;
  }

  /** GET shows exactly the computed issuer and subject; TestConnection passes (70021 retried). */
  private async verifyFederation(): Promise<void> {
    this.step = 'verify';
    const doc = await this.read();
    const target = this.entry.target!;
    const params = doc.authorization.parameters;
    const issuer = param(params, 'workloadIdentityFederationIssuer');
    const subject = param(params, 'workloadIdentityFederationSubject');
    if (doc.authorization.scheme !== WIF || issuer !== target.issuer || subject !== target.subject) {
      throw new RotatorError(
        'migration.subject_unexpected',
        `The connection shows ${doc.authorization.scheme} with issuer ${issuer ?? '(none)'} and subject ${subject ?? '(none)'}, not the computed ${target.issuer} and ${target.subject}; nothing more is changed.`,
        {
          fix: "Compare the connection with its app's federated credentials and report the difference; the secret is still on the app.",
        },
      );
    }
    this.result.revertSchemeDeadline =
      typeof doc.data['revertSchemeDeadline'] === 'string' ? doc.data['revertSchemeDeadline'] : null;
    await this.testWhilePropagating();
    this.done('verify', `Federated with issuer ${issuer} and the computed subject; TestConnection passed.`);
  }

  /** TestConnection, retried while Entra answers AADSTS70021 (a new credential propagating). */
  private testWhilePropagating(): Promise<void> {
    return testWhilePropagating(
      () => this.options.connections.test(this.projectId, this.entry.connectionId),
      this.options.clock,
      {
        intervalMs: this.options.proofIntervalMs ?? 5000,
        timeoutMs: this.options.proofTimeoutMs ?? 120_000,
        signal: this.options.signal,
      },
    );
  }

  private async handOff(): Promise<void> {
    this.step = 'hand_off';
    const how = await (this.options.issuerSwitch ?? handOffIssuerSwitch).switchIssuer(this.entry);
    if (how === 'switched') {
      await this.verifyFederation();
      this.result.outcome = 'verified';
      return;
    }
    this.result.outcome = 'ready_to_switch';
    this.result.portalUrl = this.entry.portalUrl;
    this.done(
      'hand_off',
      `Ready to switch: open ${this.entry.portalUrl ?? 'the connection'} and press Update.`,
    );
  }

  private async removeLegacyFic(name: string): Promise<void> {
    this.step = 'remove_legacy_fic';
    await this.options.credentials.deleteFederatedCredential(this.appObjectId, name);
    this.result.removedFics.push(name);
    this.done('remove_legacy_fic', `Deleted the legacy federated credential ${name}.`);
  }

  private async removeSecrets(): Promise<void> {
    this.step = 'remove_secrets';
    for (const keyId of this.entry.removeKeyIds) {
      await this.options.credentials.removePassword(this.appObjectId, keyId);
      this.result.removedKeyIds.push(keyId);
    }
    this.done('remove_secrets', `Removed ${this.entry.removeKeyIds.length} password(s) this product minted.`);
  }

  private async verifyRevert(): Promise<void> {
    this.step = 'verify';
    const doc = await this.read();
    if (doc.authorization.scheme !== SP) {
      throw new RotatorError(
        'migration.revert_failed',
        `The connection still shows ${doc.authorization.scheme}.`,
        {
          fix: 'Open the connection in Azure DevOps and revert it there ("Revert conversion to the original scheme").',
        },
      );
    }
    this.result.revertSchemeDeadline = null;
    const test = await this.options.connections.test(this.projectId, this.entry.connectionId);
    if (!test.ok) {
      throw new RotatorError(
        'devops.test_connection_failed',
        `Reverted, but TestConnection answered ${test.statusCode}${test.message ? `: ${test.message}` : ''}.`,
        { fix: 'The restored secret may have expired or been removed: rotate it (action rotate).' },
      );
    }
    this.done('verify', 'Back on ServicePrincipal with its previous secret; TestConnection passed.');
  }
}

function param(params: Record<string, string | null>, key: string): string | null {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(params)) if (k.toLowerCase() === wanted) return v;
  return null;
}

const LABEL: Record<MigrationStep, string> = {
  ensure_fic: 'Creating the federated credential',
  convert: 'Converting the connection',
  poll: 'Waiting for the conversion',
  verify: 'Verifying the connection',
  hand_off: 'Handing the issuer switch off',
  remove_legacy_fic: 'Deleting the legacy federated credential',
  remove_secrets: 'Removing the secrets after the revert window',
  revert: 'Reverting the conversion',
};
