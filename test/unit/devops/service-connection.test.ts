import assert from 'node:assert/strict';
import { mergeByConnectionId, parseServiceConnection } from '../../../lib/devops/service-connection';
import { parseTestConnectionResult, testConnectionRequest } from '../../../lib/devops/test-connection';
import type { EndpointDocument, ServiceConnection } from '../../../lib/devops/types';

const PROJECT_A = { id: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'Alpha' };
const PROJECT_B = { id: 'bbbbbbbb-0000-0000-0000-000000000002', name: 'Beta' };
const ID = 'c0ffee00-0000-0000-0000-000000000001';

function raw(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ID,
    name: 'prod-deploy',
    type: 'azurerm',
    url: 'https://management.azure.com/',
    description: 'Deploys prod',
    authorization: {
      scheme: 'ServicePrincipal',
      parameters: {
        tenantid: 'tenant-1',
        serviceprincipalid: 'app-1',
        authenticationType: 'spnKey',
        serviceprincipalkey: null,
      },
    },
    data: { environment: 'AzureCloud', creationMode: 'Manual', subscriptionId: 'sub-1' },
    serviceEndpointProjectReferences: [
      { projectReference: { id: PROJECT_A.id, name: 'Alpha' }, name: 'prod-deploy', description: '' },
    ],
    isReady: true,
    isShared: false,
    ...overrides,
  };
}

const BASE: ServiceConnection = {
  id: ID,
  name: 'prod-deploy',
  type: 'azurerm',
  url: 'https://management.azure.com/',
  description: 'Deploys prod',
  projects: [{ projectId: PROJECT_A.id, projectName: 'Alpha', connectionName: 'prod-deploy' }],
  scheme: 'ServicePrincipal',
  authenticationType: 'spnKey',
  creationMode: 'Manual',
  tenantId: 'tenant-1',
  appId: 'app-1',
  environment: 'AzureCloud',
  isReady: true,
  isDisabled: false,
};

interface Row {
  name: string;
  input: Record<string, unknown>;
  expected: Partial<ServiceConnection>;
}

const TABLE: Row[] = [
  { name: 'a plain secret connection', input: raw(), expected: {} },
  {
    name: 'parameter keys in any case',
    input: raw({
      authorization: {
        scheme: 'ServicePrincipal',
        parameters: {
          TenantId: 'tenant-9',
          servicePrincipalId: 'app-9',
          AUTHENTICATIONTYPE: 'SPNCERTIFICATE',
        },
      },
      data: { Environment: 'AzureUSGovernment', CREATIONMODE: 'automatic' },
    }),
    expected: {
      tenantId: 'tenant-9',
      appId: 'app-9',
      authenticationType: 'spnCertificate',
      environment: 'AzureUSGovernment',
      creationMode: 'Automatic',
    },
  },
  { name: 'type AzureRM kept as sent', input: raw({ type: 'AzureRM' }), expected: { type: 'AzureRM' } },
  {
    name: 'scheme in another case is made canonical',
    input: raw({
      authorization: {
        scheme: 'workloadidentityfederation',
        parameters: { tenantid: 't', serviceprincipalid: 'a' },
      },
    }),
    expected: {
      scheme: 'WorkloadIdentityFederation',
      authenticationType: null,
      tenantId: 't',
      appId: 'a',
      federation: { issuer: null, subject: null },
    },
  },
  {
    name: 'workload identity federation: issuer and subject exactly as returned, stray space kept',
    input: raw({
      authorization: {
        scheme: 'WorkloadIdentityFederation',
        parameters: {
          tenantid: 't',
          serviceprincipalid: 'a',
          WorkloadIdentityFederationIssuer: 'https://vstoken.dev.azure.com/o ',
          workloadidentityfederationsubject: 'sc://Org/Proj/Conn',
        },
      },
    }),
    expected: {
      scheme: 'WorkloadIdentityFederation',
      authenticationType: null,
      tenantId: 't',
      appId: 'a',
      federation: { issuer: 'https://vstoken.dev.azure.com/o ', subject: 'sc://Org/Proj/Conn' },
    },
  },
  {
    name: 'no authenticationType on a ServicePrincipal connection means a secret',
    input: raw({
      authorization: { scheme: 'ServicePrincipal', parameters: { tenantid: 't', serviceprincipalid: 'a' } },
    }),
    expected: { authenticationType: 'spnKey', tenantId: 't', appId: 'a' },
  },
  {
    name: 'managed identity has no authentication type nor app',
    input: raw({ authorization: { scheme: 'ManagedServiceIdentity', parameters: { tenantid: 't' } } }),
    expected: { scheme: 'ManagedServiceIdentity', authenticationType: null, appId: null, tenantId: 't' },
  },
  {
    name: 'missing environment, creation mode, isReady',
    input: raw({ data: {}, isReady: undefined }),
    expected: { environment: 'AzureCloud', creationMode: null, isReady: true },
  },
  {
    name: 'a failed connection',
    input: raw({ isReady: false, isDisabled: true }),
    expected: { isReady: false, isDisabled: true },
  },
  {
    name: 'empty ids are null',
    input: raw({
      authorization: { scheme: 'ServicePrincipal', parameters: { tenantid: ' ', serviceprincipalid: '' } },
    }),
    expected: { tenantId: null, appId: null },
  },
  {
    name: 'the listing project comes first, with its own connection name',
    input: raw({
      serviceEndpointProjectReferences: [
        { projectReference: { id: PROJECT_B.id, name: 'Beta' }, name: 'shared-in-beta' },
        { projectReference: { id: PROJECT_A.id, name: 'Alpha' }, name: 'prod-in-alpha' },
      ],
    }),
    expected: {
      name: 'prod-in-alpha',
      projects: [
        { projectId: PROJECT_A.id, projectName: 'Alpha', connectionName: 'prod-in-alpha' },
        { projectId: PROJECT_B.id, projectName: 'Beta', connectionName: 'shared-in-beta' },
      ],
    },
  },
  {
    name: 'no project references: the listing project is added',
    input: raw({ serviceEndpointProjectReferences: null }),
    expected: {
      projects: [{ projectId: PROJECT_A.id, projectName: 'Alpha', connectionName: 'prod-deploy' }],
    },
  },
];

describe('parseServiceConnection', () => {
  for (const row of TABLE) {
    it(row.name, () => {
      assert.deepEqual(parseServiceConnection(row.input, PROJECT_A), { ...BASE, ...row.expected });
    });
  }

  it('reads each key in any case, the first spelling with a value winning', () => {
    const parsed = parseServiceConnection(
      raw({
        authorization: {
          scheme: 'ServicePrincipal',
          parameters: { TenantId: null, tenantid: 'first', TENANTID: 'second', ServicePrincipalId: 'app-9' },
        },
        data: { Environment: 'AzureUSGovernment', environment: 'AzureCloud', CREATIONMODE: 'automatic' },
      }),
      PROJECT_A,
    );
    assert.equal(parsed.tenantId, 'first');
    assert.equal(parsed.appId, 'app-9');
    assert.equal(parsed.environment, 'AzureUSGovernment');
    assert.equal(parsed.creationMode, 'Automatic');
  });

  it('never copies a secret parameter', () => {
    const parsed = parseServiceConnection(
      raw({
        authorization: {
          scheme: 'ServicePrincipal',
          parameters: { tenantid: 't', serviceprincipalid: 'a', serviceprincipalkey: 'super-secret-value' },
        },
      }),
      PROJECT_A,
    );
    assert.ok(!JSON.stringify(parsed).includes('super-secret-value'));
  });
});

describe('mergeByConnectionId', () => {
  it('keeps one connection per id with every project reference, first seen first', () => {
    const inA = parseServiceConnection(raw(), PROJECT_A);
    const inB = parseServiceConnection(
      raw({
        serviceEndpointProjectReferences: [
          { projectReference: { id: PROJECT_A.id, name: 'Alpha' }, name: 'prod-deploy' },
          { projectReference: { id: PROJECT_B.id, name: 'Beta' }, name: 'prod-in-beta' },
        ],
      }),
      PROJECT_B,
    );
    const other = parseServiceConnection(
      raw({ id: 'c0ffee00-0000-0000-0000-000000000002', name: 'dev' }),
      PROJECT_B,
    );
    const merged = mergeByConnectionId([inA, other, { ...inB, id: ID.toUpperCase() }]);
    assert.equal(merged.length, 2);
    assert.deepEqual(merged[0], {
      ...BASE,
      projects: [
        { projectId: PROJECT_A.id, projectName: 'Alpha', connectionName: 'prod-deploy' },
        { projectId: PROJECT_B.id, projectName: 'Beta', connectionName: 'prod-in-beta' },
      ],
    });
    assert.equal(merged[1]?.name, 'dev');
    // The input is not modified.
    assert.equal(inA.projects.length, 1);
  });
});

describe('TestConnection', () => {
  const proposed = {
    id: ID,
    name: 'prod',
    type: 'azurerm',
    url: 'https://management.azure.com/',
    authorization: {
      scheme: 'ServicePrincipal',
      parameters: {
        tenantid: 't',
        serviceprincipalid: 'a',
        serviceprincipalkey: 'the-new-secret-123',
        scope: null,
      },
    },
    data: { subscriptionId: 's' },
    serviceEndpointProjectReferences: [],
  } as EndpointDocument;

  it('builds the request with the proposed details', () => {
    assert.deepEqual(testConnectionRequest(proposed), {
      dataSourceDetails: { dataSourceName: 'TestConnection', parameters: {} },
      resultTransformationDetails: {},
      serviceEndpointDetails: {
        type: 'azurerm',
        url: 'https://management.azure.com/',
        authorization: {
          scheme: 'ServicePrincipal',
          parameters: {
            tenantid: 't',
            serviceprincipalid: 'a',
            serviceprincipalkey: 'the-new-secret-123',
            scope: null,
          },
        },
        data: { subscriptionId: 's' },
      },
    });
    assert.deepEqual(testConnectionRequest(), {
      dataSourceDetails: { dataSourceName: 'TestConnection', parameters: {} },
      resultTransformationDetails: {},
    });
  });

  const RESULTS: Array<[unknown, boolean, string]> = [
    [{ statusCode: 'ok' }, true, 'ok'],
    [{ statusCode: 'OK' }, true, 'OK'],
    [{ statusCode: 200 }, true, '200'],
    [{ statusCode: 'unauthorized', errorMessage: 'no' }, false, 'unauthorized'],
    [{ statusCode: 403, errorMessage: 'no' }, false, '403'],
    [{}, false, 'unknown'],
  ];
  for (const [result, ok, statusCode] of RESULTS) {
    it(`reads ${JSON.stringify(result)} as ${ok ? 'success' : 'failure'}`, () => {
      const parsed = parseTestConnectionResult(result);
      assert.equal(parsed.ok, ok);
      assert.equal(parsed.statusCode, statusCode);
    });
  }

  it('redacts the proposed secret from the service message', () => {
    const parsed = parseTestConnectionResult(
      { statusCode: 'unauthorized', errorMessage: 'Secret the-new-secret-123 rejected' },
      proposed,
    );
    assert.equal(parsed.message, 'Secret *** rejected');
  });
});
