import assert from 'node:assert/strict';
import type { EndpointDocument, TestConnectionResult } from '../../../lib/devops/types';
import { executeMigration } from '../../../lib/migration/executor';
import type { FederatedCredentialStore, MigrationConnectionStore } from '../../../lib/migration/ports';
import type { MigrationEntry, MigrationPlan } from '../../../lib/migration/types';
import { FakeClock } from '../http/fake-clock';

const TARGET = {
  issuer: 'https://login.microsoftonline.com/t/v2.0',
  subject: '/eid1/c/pub/t/T/a/A/sc/o/c1',
  ficName: 'sc-rotator-c1',
};

function document(scheme: string, state: string, statusMessage = ''): EndpointDocument {
  const parameters: Record<string, string | null> =
    scheme === 'WorkloadIdentityFederation'
      ? { workloadIdentityFederationIssuer: TARGET.issuer, workloadIdentityFederationSubject: TARGET.subject }
      : { serviceprincipalkey: null };
  return {
    id: 'c1',
    name: 'deploy',
    type: 'azurerm',
    url: 'https://management.azure.com/',
    authorization: { scheme, parameters },
    data: { environment: 'AzureCloud' },
    serviceEndpointProjectReferences: [],
    operationStatus: { state, statusMessage },
  };
}

/** Connections whose GET answers walk through `reads` (the last one repeats). */
class FakeConnections implements MigrationConnectionStore {
  readonly calls: string[] = [];
  converted: EndpointDocument | null = null;
  constructor(
    private readonly reads: EndpointDocument[],
    private readonly tests: TestConnectionResult[] = [{ ok: true, statusCode: 'ok', message: '' }],
  ) {}
  async get() {
    this.calls.push('get');
    return this.reads.length > 1 ? this.reads.shift()! : this.reads[0]!;
  }
  async getAsAdministrator() {
    return this.reads[0]!;
  }
  async convertScheme(endpoint: EndpointDocument) {
    this.calls.push(`convert ${endpoint.authorization.scheme}`);
    this.converted = endpoint;
    return endpoint;
  }
  async test() {
    this.calls.push('test');
    return this.tests.length > 1 ? this.tests.shift()! : this.tests[0]!;
  }
}

const credentials: FederatedCredentialStore = {
  listFederatedCredentials: async () => [],
  createFederatedCredential: async (_app, c) => ({ id: 'f', ...c }),
  deleteFederatedCredential: async () => {},
  removePassword: async () => {},
};

function plan(action: MigrationEntry['action']): MigrationPlan {
  return {
    kind: 'migrate',
    createdAt: '2026-11-23T03:00:00.000Z',
    organizationId: 'o',
    revokeAfterHours: 24,
    entries: [
      {
        connectionId: 'c1',
        connectionName: 'deploy',
        projectId: 'p1',
        tenantId: 't',
        appId: 'a',
        appObjectId: 'oid',
        action,
        target: TARGET,
        ficPresent: false,
        legacyFic: null,
        removeLegacyFic: false,
        removeKeyIds: [],
        foreignKeyIds: [],
        revertSchemeDeadline: null,
        portalUrl: null,
        skip: null,
      },
    ],
  };
}

const propagating: TestConnectionResult = {
  ok: false,
  statusCode: 'unauthorized',
  message: 'AADSTS70021: No matching federated identity record found for presented assertion.',
};

describe('migration executor', () => {
  it('converts with only the scheme changed (and no revert deadline), polls every 5 s while InProgress, then verifies', async () => {
    const sp = {
      ...document('ServicePrincipal', 'Ready'),
      data: { environment: 'AzureCloud', revertSchemeDeadline: 'old' },
    };
    const connections = new FakeConnections([
      sp,
      document('ServicePrincipal', 'InProgress', 'converting_scheme'),
      document('ServicePrincipal', 'InProgress', 'converting_scheme'),
      document('WorkloadIdentityFederation', 'Ready'),
    ]);
    const clock = new FakeClock();
    const [result] = await executeMigration(plan('convert'), { connections, credentials, clock });
    assert.equal(result!.outcome, 'converted', result!.error?.message);
    assert.deepEqual(connections.calls, [
      'get',
      'convert WorkloadIdentityFederation',
      'get',
      'get',
      'get',
      'get',
      'test',
    ]);
    assert.deepEqual(clock.sleeps, [5000, 5000]);
    const { authorization, data, ...rest } = connections.converted!;
    const { authorization: a0, data: d0, ...rest0 } = sp;
    assert.deepEqual(rest, rest0);
    assert.deepEqual(authorization.parameters, a0.parameters);
    assert.deepEqual(data, { environment: 'AzureCloud' });
    assert.equal(d0['revertSchemeDeadline'], 'old');
  });

  it('retries TestConnection while Entra answers AADSTS70021, then passes', async () => {
    const connections = new FakeConnections(
      [document('WorkloadIdentityFederation', 'Ready')],
      [propagating, propagating, { ok: true, statusCode: 'ok', message: '' }],
    );
    const clock = new FakeClock();
    const [result] = await executeMigration(plan('verify'), { connections, credentials, clock });
    assert.equal(result!.outcome, 'verified');
    assert.deepEqual(clock.sleeps, [5000, 5000]);
  });

  it('gives up on AADSTS70021 after the proof budget (2 min) and says to run again', async () => {
    const connections = new FakeConnections([document('WorkloadIdentityFederation', 'Ready')], [propagating]);
    const clock = new FakeClock();
    const [result] = await executeMigration(plan('verify'), { connections, credentials, clock });
    assert.equal(result!.outcome, 'failed');
    assert.equal(result!.error?.code, 'migration.federation_not_trusted');
    assert.equal(
      clock.sleeps.reduce((a, b) => a + b, 0),
      120_000,
    );
  });

  it('does not retry another TestConnection failure', async () => {
    const forbidden = { ok: false, statusCode: 'forbidden', message: 'AuthorizationFailed' };
    const connections = new FakeConnections([document('WorkloadIdentityFederation', 'Ready')], [forbidden]);
    const [result] = await executeMigration(plan('verify'), {
      connections,
      credentials,
      clock: new FakeClock(),
    });
    assert.equal(result!.error?.code, 'devops.test_connection_failed');
    assert.deepEqual(connections.calls, ['get', 'test']);
  });

  it('reports a Failed conversion with its reason, and a pending one after the poll budget', async () => {
    const failed = new FakeConnections([document('ServicePrincipal', 'Failed', 'converting_scheme_failed')]);
    const [f] = await executeMigration(plan('resume_conversion'), {
      connections: failed,
      credentials,
      clock: new FakeClock(),
    });
    assert.equal(f!.error?.code, 'migration.conversion_failed');
    assert.match(f!.error!.message, /converting_scheme_failed/);
    const pending = new FakeConnections([document('ServicePrincipal', 'InProgress')]);
    const clock = new FakeClock();
    const [p] = await executeMigration(plan('resume_conversion'), {
      connections: pending,
      credentials,
      clock,
      pollTimeoutMs: 60_000,
    });
    assert.equal(p!.error?.code, 'migration.conversion_pending');
    assert.equal(clock.sleeps.length, 12);
  });

  it('stops a subject nobody predicted at verify: nothing more is written', async () => {
    const odd = document('WorkloadIdentityFederation', 'Ready');
    odd.authorization.parameters['workloadIdentityFederationSubject'] = '/eid1/other';
    const connections = new FakeConnections([odd]);
    const [result] = await executeMigration(plan('verify'), {
      connections,
      credentials,
      clock: new FakeClock(),
    });
    assert.equal(result!.error?.code, 'migration.subject_unexpected');
    assert.deepEqual(connections.calls, ['get']);
  });
});
