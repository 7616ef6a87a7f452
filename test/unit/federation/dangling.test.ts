// Dangling federated credentials (spec §7): issued for this organization, naming no connection.
import assert from 'node:assert/strict';
import {
  type DanglingInput,
  findDanglingCredentials,
  organizationIdFromConnections,
  organizationNameOf,
} from '../../../lib/federation/dangling';
import { azureDevOpsIssuer, entraIssuer } from '../../../lib/federation/issuers';
import { entraSubject } from '../../../lib/federation/subjects';
import type { ApplicationInfo, FederatedCredentialInfo } from '../../../lib/graph/types';
import { federatedCredential } from '../inventory/builders';

const ORG_ID = 'dddddddd-0000-4000-8000-000000000077';
const OTHER_ORG_ID = 'dddddddd-0000-4000-8000-000000000078';
const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
const LIVE_ID = '00000000-0000-4000-8000-000000000100';
const GONE_ID = '00000000-0000-4000-8000-000000000999';
const AUD = ['api://AzureADTokenExchange'];

const fic = (name: string, issuer: string, subject: string) =>
  federatedCredential(name, issuer, subject, AUD);

function input(fics: FederatedCredentialInfo[], overrides: Partial<DanglingInput> = {}): DanglingInput {
  const app: ApplicationInfo = {
    objectId: 'obj-1',
    appId: 'cccccccc-0000-4000-8000-000000000200',
    displayName: 'deploy app',
    tenantId: TENANT,
    passwordCredentials: [],
    federatedCredentials: fics,
  };
  return {
    organizationName: 'fabrikam',
    organizationId: ORG_ID,
    projectNames: ['Alpha', 'Beta'],
    allProjects: true,
    connections: [{ id: LIVE_ID, projects: [{ projectName: 'Alpha', connectionName: 'deploy-prod' }] }],
    applications: [app],
    ...overrides,
  };
}

const LEGACY = azureDevOpsIssuer(ORG_ID);
const subjectOf = (connectionId: string) =>
  entraSubject({ tenantId: TENANT, organizationId: ORG_ID, connectionId });

const TABLE: Array<[string, FederatedCredentialInfo, Partial<DanglingInput>, boolean]> = [
  [
    'sc:// subject of an existing connection: not dangling',
    fic('a', LEGACY, 'sc://fabrikam/Alpha/deploy-prod'),
    {},
    false,
  ],
  [
    'sc:// subject, name in another case: the connection exists',
    fic('a', LEGACY, 'sc://Fabrikam/alpha/DEPLOY-PROD'),
    {},
    false,
  ],
  [
    'sc:// subject naming a deleted or renamed connection: dangling',
    fic('old', LEGACY, 'sc://fabrikam/Alpha/deploy-old'),
    {},
    true,
  ],
  [
    'the old visualstudio issuer with this organization in the subject: dangling',
    fic('vs', 'https://app.vstoken.visualstudio.com', 'sc://fabrikam/Beta/gone'),
    {},
    true,
  ],
  [
    'sc:// subject of a project out of scope: not judged',
    fic('c', LEGACY, 'sc://fabrikam/Gamma/x'),
    {},
    false,
  ],
  [
    'another organization (issuer id): not ours',
    fic('d', azureDevOpsIssuer(OTHER_ORG_ID), 'sc://fabrikam/Alpha/x'),
    {},
    false,
  ],
  ['another organization (subject name): not ours', fic('e', LEGACY, 'sc://contoso/Alpha/x'), {}, false],
  [
    'organization id unknown: judged by the subject name',
    fic('f', azureDevOpsIssuer(OTHER_ORG_ID), 'sc://fabrikam/Alpha/x'),
    { organizationId: null },
    true,
  ],
  [
    'Entra subject of an existing connection: not dangling',
    fic('g', entraIssuer(TENANT), subjectOf(LIVE_ID)),
    {},
    false,
  ],
  [
    'Entra subject of a connection id that does not exist: dangling',
    fic('h', entraIssuer(TENANT), subjectOf(GONE_ID)),
    {},
    true,
  ],
  [
    'Entra subject, some projects out of scope: not judged',
    fic('i', entraIssuer(TENANT), subjectOf(GONE_ID)),
    { allProjects: false },
    false,
  ],
  [
    'Entra subject, organization id unknown: not judged',
    fic('j', entraIssuer(TENANT), subjectOf(GONE_ID)),
    { organizationId: null },
    false,
  ],
  [
    'a GitHub FIC: not this organization',
    fic('k', 'https://token.actions.githubusercontent.com', 'repo:o/r:ref:refs/heads/main'),
    {},
    false,
  ],
];

describe('findDanglingCredentials', () => {
  for (const [label, credential, overrides, dangling] of TABLE) {
    it(label, () => {
      const found = findDanglingCredentials(input([credential], overrides));
      assert.equal(found.length, dangling ? 1 : 0);
      if (dangling) {
        assert.equal(found[0]?.name, credential.name);
        assert.equal(found[0]?.subject, credential.subject);
        assert.equal(found[0]?.appDisplayName, 'deploy app');
      }
    });
  }

  it('names the connection a new one could be called in its risk sentence', () => {
    const [found] = findDanglingCredentials(input([fic('old', LEGACY, 'sc://fabrikam/Alpha/deploy-old')]));
    assert.equal(
      found?.risk,
      'No connection "deploy-old" exists in project "Alpha": a new connection with that name would inherit the access of app "deploy app".',
    );
  });

  it('ignores a flexible FIC (subject null) and does not throw on it', () => {
    const flexible: FederatedCredentialInfo = {
      ...fic('gh', 'https://token.actions.githubusercontent.com', ''),
      flexible: true,
    };
    assert.deepEqual(findDanglingCredentials(input([flexible])), []);
  });

  it('reads the organization from its URL and its id from the connections', () => {
    assert.equal(organizationNameOf('https://dev.azure.com/fabrikam'), 'fabrikam');
    assert.equal(organizationNameOf('https://fabrikam.visualstudio.com/'), 'fabrikam');
    assert.equal(organizationNameOf('https://127.0.0.1:8443/fabrikam/'), 'fabrikam');
    assert.equal(
      organizationIdFromConnections([{}, { federation: { issuer: LEGACY, subject: 'sc://x/y/z' } }]),
      ORG_ID,
    );
    assert.equal(
      organizationIdFromConnections([
        { federation: { issuer: entraIssuer(TENANT), subject: subjectOf(LIVE_ID) } },
      ]),
      ORG_ID,
    );
    assert.equal(organizationIdFromConnections([{ federation: { issuer: null, subject: null } }]), null);
  });
});
