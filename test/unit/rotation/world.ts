// A small organization on the fakes, and one full run over it (discover → plan → execute), so
// executor tests read as scenarios. It also watches the one invariant that must never break: no
// password is removed while a connection signs in with it.
import type { EndpointDocument } from '../../../lib/devops/types';
import { discover } from '../../../lib/inventory/discover';
import { parseNameFilter } from '../../../lib/inventory/name-filter';
import type { Inventory } from '../../../lib/inventory/types';
import type { Logger } from '../../../lib/logger';
import { type ExecuteOptions, executePlan } from '../../../lib/rotation/executor';
import { type Plan, plan } from '../../../lib/rotation/planner';
import type { RotationPolicy } from '../../../lib/rotation/policy';
import { parseRecord } from '../../../lib/rotation/record';
import type { RotationResult, StepEvent } from '../../../lib/rotation/results';
import { days, NOW, POLICY, TENANT, THRESHOLDS, uuid } from '../inventory/builders';
import { FakeClock, FakeDevOps, FakeGraph, Journal } from './fakes';

export const PROJECT = { id: uuid(10, 'bbbbbbbb'), name: 'Alpha' };
export const APP = { objectId: uuid(300, 'dddddddd'), appId: uuid(200, 'cccccccc') };
export const CONN_A = uuid(100);
export const CONN_B = uuid(101);
/** A password of the app that some other consumer uses; never ours to touch. */
export const FOREIGN_KEY = uuid(99, 'eeeeeeee');

export interface RunOutput {
  inventory: Inventory;
  plan: Plan;
  results: RotationResult[];
}

export class World {
  readonly journal = new Journal();
  readonly graph: FakeGraph;
  readonly devops: FakeDevOps;
  readonly masked: string[] = [];
  readonly logs: string[] = [];
  readonly events: StepEvent[] = [];
  /** Removals of a password some connection was signing in with. Must stay empty. */
  readonly violations: string[] = [];
  readonly logger: Logger = {
    debug: (m) => this.logs.push(`debug ${m}`),
    info: (m) => this.logs.push(`info ${m}`),
    warn: (m) => this.logs.push(`warn ${m}`),
    error: (m) => this.logs.push(`error ${m}`),
  };
  private readonly connectionIds: string[] = [];
  private originals = 0;

  /** `clock`: a clock whose sleeps return at once unless a test passes another (virtual-clock.ts). */
  constructor(readonly clock: FakeClock = new FakeClock(NOW)) {
    this.graph = new FakeGraph(this.journal, this.clock);
    this.devops = new FakeDevOps(this.journal, this.graph);
    this.devops.projects.push(PROJECT);
    this.graph.addApp(APP);
    this.graph.seedPassword(APP.objectId, {
      keyId: FOREIGN_KEY,
      displayName: 'used by a nightly job',
      endMs: NOW + days(500),
      secret: 'foreign-secret-value-1',
    });
    this.graph.beforeRemove = (keyId, secret) => {
      for (const id of this.connectionIds) {
        if (this.devops.secretOf(id) === secret) this.violations.push(`removed ${keyId}, in use by ${id}`);
      }
    };
  }

  /**
   * A secret connection on APP signing in with its own (non-product) password that expires at
   * `endMs`. Automatic connections carry the object ids and a cached `accesstoken`.
   */
  addConnection(options: {
    id: string;
    name: string;
    endMs: number;
    creationMode?: 'Manual' | 'Automatic';
    description?: string;
  }): string {
    this.originals += 1;
    const keyId = uuid(this.originals, 'abababab');
    const secret = `original-secret-${this.originals}-value`;
    this.graph.seedPassword(APP.objectId, {
      keyId,
      displayName: 'created by hand',
      endMs: options.endMs,
      secret,
    });
    const automatic = options.creationMode === 'Automatic';
    const doc: EndpointDocument = {
      id: options.id,
      name: options.name,
      type: 'AzureRM',
      url: 'https://management.azure.com/',
      description: options.description ?? '',
      authorization: {
        scheme: 'ServicePrincipal',
        parameters: {
          tenantid: TENANT,
          serviceprincipalid: APP.appId,
          authenticationType: 'spnKey',
          serviceprincipalkey: secret,
          ...(automatic ? { accesstoken: 'cached-access-token-value' } : {}),
        },
      },
      data: {
        subscriptionId: uuid(7, '99999999'),
        subscriptionName: 'Production',
        environment: 'AzureCloud',
        scopeLevel: 'Subscription',
        creationMode: options.creationMode ?? 'Manual',
        ...(automatic
          ? {
              spnObjectId: uuid(400, 'dddddddd'),
              appObjectId: APP.objectId,
              azureSpnRoleAssignmentId: uuid(401, 'dddddddd'),
              azureSpnPermissions: '[{"roleAssignmentId":"x","resourceProvider":"Microsoft.RoleAssignment"}]',
            }
          : {}),
      },
      serviceEndpointProjectReferences: [
        { projectReference: { id: PROJECT.id, name: PROJECT.name }, name: options.name, description: '' },
      ],
      isReady: true,
      isShared: false,
    };
    this.devops.seed(doc);
    this.connectionIds.push(options.id);
    return keyId;
  }

  /** One scheduled run: discover everything, plan with `policy`, execute. */
  async run(policy: Partial<RotationPolicy> = {}, options: Partial<ExecuteOptions> = {}): Promise<RunOutput> {
    const inventory = await this.discover();
    const planned = plan(inventory, { ...POLICY, ...policy }, this.clock.now());
    const results = await executePlan(planned, { ...this.executeOptions(), ...options });
    return { inventory, plan: planned, results };
  }

  async discover(): Promise<Inventory> {
    const names = parseNameFilter('*');
    if (!names.ok) throw new Error('filter');
    return discover({
      organizationUrl: 'https://dev.azure.com/fabrikam',
      connectionSource: this.devops,
      applicationSource: this.graph,
      projects: { all: true },
      connections: names.filter,
      thresholds: THRESHOLDS,
      rotatorTenantId: TENANT,
      clock: this.clock,
      logger: this.logger,
    });
  }

  executeOptions(): ExecuteOptions {
    return {
      connections: this.devops,
      credentials: this.graph,
      prover: this.graph,
      clock: this.clock,
      mask: (secret) => {
        this.journal.add({ port: 'mask', op: 'mask', target: '', secret });
        this.masked.push(secret);
      },
      logger: this.logger,
      onStep: (event) => this.events.push(event),
      ambiguousRecheckMs: 1000,
    };
  }

  /** The keyId the connection's record names, or null. */
  recordedKeyId(connectionId: string): string | null {
    return parseRecord(this.devops.view(connectionId)?.description)?.keyId ?? null;
  }

  /** The keyId of the password the connection actually signs in with, or null. */
  keyInUse(connectionId: string): string | null {
    const secret = this.devops.secretOf(connectionId);
    return secret === null ? null : this.graph.keyIdOfSecret(secret);
  }

  /** True when the connection's stored secret gets a token now. */
  signsIn(connectionId: string): boolean {
    const secret = this.devops.secretOf(connectionId);
    return secret !== null && this.graph.isValid(APP.appId, secret);
  }

  /** Our passwords (marker) on the app. */
  ourKeyIds(): string[] {
    return this.graph
      .passwordsOf(APP.objectId)
      .filter((p) => p.displayName?.startsWith('sc-rotator '))
      .map((p) => p.keyId);
  }

  /** `step:outcome` of each event of one connection. */
  stepsOf(connectionId: string): string[] {
    return this.events.filter((e) => e.connectionId === connectionId).map((e) => `${e.step}:${e.outcome}`);
  }
}
