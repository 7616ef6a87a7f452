/**
 * Shared setup of the rotation integration tests: an emulator seeded with the rotation
 * organization, a rotator from the front door (`connect()`: real azure-devops-node-api, Graph
 * over fetch, msal-node), one run of discover → plan → execute as the task does it (the execution
 * through the engine's `executePlan`, so a test can watch or hold back the stores), and read-outs
 * of the emulator's state. Raw emulator state holds secrets: helpers compare them, never print them.
 */
import assert from 'node:assert/strict';
import { type Emulator, type EmulatorOptions, type LoggedRequest, startEmulator } from '../../emulator';
import type { Rotator } from '../../lib';
import type { Clock } from '../../lib/clock';
import type { GraphClient } from '../../lib/graph/graph-client';
import type { Inventory } from '../../lib/inventory/types';
import { type ExecuteOptions, executePlan } from '../../lib/rotation/executor';
import { type Plan, plan } from '../../lib/rotation/planner';
import type { RotationPolicy } from '../../lib/rotation/policy';
import type { ConnectionStore, CredentialStore } from '../../lib/rotation/ports';
import { parseRecord, type RotationRecord } from '../../lib/rotation/record';
import type { RotationResult } from '../../lib/rotation/results';
import { emulatorRotator } from './adapters-harness';
import { JOB_TOKEN, ROTATION_START, ROTATOR_APP, ROTATOR_SECRET, rotationOrg, TENANT } from './rotation-org';

export { EmulatorDrivenClock } from './adapters-harness';

/** A fresh emulator with the rotation organization, started at {@link ROTATION_START}. */
export function startRotationEmulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({
    org: rotationOrg(),
    caDir: process.env['SCR_EMULATOR_CA_DIR'],
    startTime: ROTATION_START,
    ...options,
  });
}

/** A new, independent rotator (own token cache, limiters, pacer), as one task run has. */
export function connectRotator(emulator: Emulator, clock: Clock): Rotator {
  const identity = {
    tenantId: TENANT,
    appId: ROTATOR_APP,
    clientSecret: ROTATOR_SECRET,
    jobToken: JOB_TOKEN,
  };
  return emulatorRotator(emulator, identity, { clock });
}

/** One `removePassword` as it was about to be sent. */
export interface WitnessedRemoval {
  appObjectId: string;
  keyId: string;
  /** keyIds of the passwords the app's connections stored at that moment. */
  storedThen: string[];
}

/**
 * Watches removals: wraps the real GraphClient (every call goes through it unchanged) and notes,
 * just before each `removePassword` is sent, which passwords the connections of that app store
 * at that moment, so a test can show no secret in use was ever revoked.
 */
export class RemovalWitness {
  readonly removals: WitnessedRemoval[] = [];
  constructor(private readonly emulator: Emulator) {}

  wrap(graph: GraphClient): CredentialStore {
    return {
      listPasswords: (appObjectId) => graph.listPasswords(appObjectId),
      addPassword: (appObjectId, request) => graph.addPassword(appObjectId, request),
      removePassword: (appObjectId, keyId) => {
        this.removals.push({ appObjectId, keyId, storedThen: storedKeyIdsOfApp(this.emulator, appObjectId) });
        return graph.removePassword(appObjectId, keyId);
      },
    };
  }

  /** Asserts no removal hit a password a connection stored then, and that the log saw each one. */
  assertNoSecretInUseRevoked(): void {
    for (const removal of this.removals) {
      assert.ok(
        !removal.storedThen.includes(removal.keyId.toLowerCase()),
        `removed password ${removal.keyId} while a connection stored it`,
      );
    }
    // One final answer per removal: 204, or 404 when it was gone already (a retried 429 logs more).
    const logged = this.emulator
      .requests()
      .filter(
        (e) => e.operation === 'graph.applications.removePassword' && (e.status === 204 || e.status === 404),
      );
    assert.equal(logged.length, this.removals.length, 'every removal went through the witness');
  }
}

/** What one run did. */
export interface RunOutcome {
  inventory: Inventory;
  plan: Plan;
  results: RotationResult[];
  /**
   * The request log of the execution only (after discovery), without the clients' own endpoint
   * discovery (node-api's `OPTIONS` location calls, msal's OpenID metadata per client).
   */
  executionLog: LoggedRequest[];
}

/** Options of {@link runRotation}. */
export interface RunOptions {
  rotator: Rotator;
  clock: Clock;
  /** Connection names in scope. */
  names: readonly string[];
  policy?: Partial<RotationPolicy>;
  witness: RemovalWitness;
  stopAfter?: ExecuteOptions['stopAfter'];
  /** Replaces `rotator.clients.devops` as the executor's connection store (e.g. to hold a PUT back). */
  connections?: ConnectionStore;
  /** Receives every secret the executor asks to mask. */
  masked?: string[];
}

/** discover → plan → executePlan over every project, as the task runs them. */
export async function runRotation(emulator: Emulator, options: RunOptions): Promise<RunOutcome> {
  const { rotator, clock } = options;
  const { clients } = rotator;
  const inventory = await rotator.discover({ projects: '*', connections: options.names.join('\n') });
  const made = plan(inventory, { ...rotator.settings.policy, ...options.policy }, clock.now());
  const firstSeq = lastSeq(emulator) + 1;
  const results = await executePlan(made, {
    connections: options.connections ?? clients.devops,
    credentials: options.witness.wrap(clients.graph),
    prover: clients.prover,
    clock,
    mask: (secret) => options.masked?.push(secret),
    ...(options.stopAfter ? { stopAfter: options.stopAfter } : {}),
  });
  const executionLog = emulator
    .requests()
    .filter((e) => e.seq >= firstSeq && !ENDPOINT_DISCOVERY.has(e.operation));
  return { inventory, plan: made, results, executionLog };
}

const ENDPOINT_DISCOVERY = new Set(['devops.location', 'entra.metadata']);

/** The result of connection `id` in a run. */
export function resultOf(outcome: RunOutcome, id: string): RotationResult {
  const found = outcome.results.find((r) => r.connectionId === id);
  assert.ok(found, `a result for ${id}`);
  return found;
}

function lastSeq(emulator: Emulator): number {
  return emulator.requests().reduce((max, e) => Math.max(max, e.seq), 0);
}

function snapshotConnection(emulator: Emulator, id: string) {
  const found = emulator.state.snapshot().serviceConnections.find((c) => c.id === id);
  assert.ok(found, `connection ${id} exists`);
  return found;
}

/** keyId of the app password the connection stores now; null when it matches none. */
export function storedKeyId(emulator: Emulator, connectionId: string): string | null {
  const secret = snapshotConnection(emulator, connectionId).secret;
  assert.equal(secret?.kind, 'password');
  return secret.kind === 'password' ? secret.keyId : null;
}

/** The record the connection's description carries now. */
export function recordOf(emulator: Emulator, connectionId: string): RotationRecord | null {
  return parseRecord(snapshotConnection(emulator, connectionId).description);
}

/** The connection as the emulator stores it, secrets redacted. */
export function connectionState(emulator: Emulator, connectionId: string) {
  return snapshotConnection(emulator, connectionId);
}

/** The app's passwords now (no secrets), sorted by keyId. */
export function passwordsOf(emulator: Emulator, appId: string) {
  const app = emulator.state.snapshot().applications.find((a) => a.appId === appId);
  assert.ok(app, `app ${appId} exists`);
  return [...app.passwordCredentials]
    .map((p) => ({ keyId: p.keyId, displayName: p.displayName, endDateTime: p.endDateTime }))
    .sort((a, b) => a.keyId.localeCompare(b.keyId));
}

/** keyIds of the app's passwords now, sorted. */
export function passwordKeyIds(emulator: Emulator, appId: string): string[] {
  return passwordsOf(emulator, appId).map((p) => p.keyId);
}

function storedKeyIdsOfApp(emulator: Emulator, appObjectId: string): string[] {
  const snapshot = emulator.state.snapshot();
  const app = snapshot.applications.find((a) => a.objectId.toLowerCase() === appObjectId.toLowerCase());
  if (!app) return [];
  return snapshot.serviceConnections
    .filter((c) => (c.authorizationParameters['serviceprincipalid'] ?? '').toLowerCase() === app.appId)
    .flatMap((c) => (c.secret?.kind === 'password' && c.secret.keyId ? [c.secret.keyId.toLowerCase()] : []));
}

/**
 * Proves the secret the connection stores gets a token: read in-process through the emulator's
 * test hook (the API never returns it), then a client-credentials token through msal-node
 * (`MsalCredentialProver`) and TestConnection of the stored details through azure-devops-node-api.
 */
export async function assertStoredSecretWorks(
  emulator: Emulator,
  rotator: Rotator,
  connectionId: string,
): Promise<void> {
  const { clients } = rotator;
  const connection = emulator.state.connection(connectionId);
  assert.ok(connection);
  const stored = connection.confidential.get('serviceprincipalkey');
  assert.ok(stored?.kind === 'literal', 'the connection stores a client secret');
  const appId = connection.parameters['serviceprincipalid'] ?? '';
  await clients.prover.proveSecret(TENANT, appId, stored.value);
  const projectId = connection.projectReferences[0]?.projectId ?? '';
  const test = await clients.devops.test(projectId, connectionId);
  assert.deepEqual(test, { ok: true, statusCode: 'ok', message: '' });
}

/** Operations of a log, in order, as `operation status`. */
export function sequence(log: readonly LoggedRequest[]): string[] {
  return log.map((e) => `${e.operation} ${e.status}`);
}
