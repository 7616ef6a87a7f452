// The spec §7 table, one row per case: what a workload identity federation connection's app says.
import assert from 'node:assert/strict';
import type { ServiceConnection } from '../../../lib/devops/types';
import type { FederationKind } from '../../../lib/federation/finding';
import {
  azureDevOpsIssuer,
  entraIssuer,
  ISSUER_RETIREMENT,
  ISSUER_RETIREMENT_MS,
} from '../../../lib/federation/issuers';
import { entraSubject } from '../../../lib/federation/subjects';
import type { ApplicationLookup, FederatedCredentialInfo } from '../../../lib/graph/types';
import { evaluateConnection } from '../../../lib/inventory/evaluate';
import type { ConnectionStatus, ProblemCode, Thresholds } from '../../../lib/inventory/types';
import { app, connection, days, federatedCredential, NOW, TENANT, THRESHOLDS, uuid } from './builders';

const ORG_ID = uuid(77, 'dddddddd');
const CONNECTION_ID = uuid(100);
const LEGACY = azureDevOpsIssuer(ORG_ID);
const ENTRA = entraIssuer(TENANT);
const ENTRA_SUBJECT = entraSubject({ tenantId: TENANT, organizationId: ORG_ID, connectionId: CONNECTION_ID });
const SC = 'sc://fabrikam/Alpha/deploy-prod';
const AUDIENCE = 'api://AzureADTokenExchange';

const fic = federatedCredential;

const FLEXIBLE: FederatedCredentialInfo = {
  id: 'id-gh',
  name: 'github-main',
  issuer: 'https://token.actions.githubusercontent.com',
  subject: '',
  audiences: [AUDIENCE],
  description: null,
  flexible: true,
};

function wif(issuer: string | null, subject: string | null, overrides: Partial<ServiceConnection> = {}) {
  return connection({
    id: CONNECTION_ID,
    scheme: 'WorkloadIdentityFederation',
    authenticationType: null,
    federation: { issuer, subject },
    ...overrides,
  });
}

function found(fics: FederatedCredentialInfo[], signInAudience = 'AzureADMyOrg'): ApplicationLookup {
  return { kind: 'found', app: { ...app([]), signInAudience, federatedCredentials: fics } };
}

interface Row {
  label: string;
  connection: ServiceConnection;
  lookup: ApplicationLookup | undefined;
  kind: FederationKind | null;
  status: ConnectionStatus;
  problem: ProblemCode | null;
  /** Fragments the problem message must contain (expected and nearest triple). */
  message?: RegExp[];
  aadsts?: number;
  spEnabled?: boolean;
}

const TABLE: Row[] = [
  {
    label: 'federated, ok: a FIC matches the Entra issuer, subject and audience exactly',
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: found([fic('entra', ENTRA, ENTRA_SUBJECT)]),
    kind: 'federated',
    status: 'ok',
    problem: null,
  },
  {
    label: 'legacy issuer, single tenant, public cloud: by the thresholds, the retirement as expiry',
    connection: wif(LEGACY, SC),
    lookup: found([fic('legacy', LEGACY, SC)]),
    kind: 'legacy_issuer',
    // 2026-11-23 → 2027-07-01 is 219 days: ok under 30/7.
    status: 'ok',
    problem: null,
  },
  {
    label: 'legacy issuer on a multitenant app is out of scope: ok, noted',
    connection: wif(LEGACY, SC),
    lookup: found([fic('legacy', LEGACY, SC)], 'AzureADMultipleOrgs'),
    kind: 'legacy_out_of_scope',
    status: 'ok',
    problem: null,
  },
  {
    label: 'legacy issuer in a non-public cloud is out of scope: ok, noted',
    connection: wif(LEGACY, SC, { environment: 'AzureUSGovernment' }),
    lookup: found([fic('legacy', LEGACY, SC)]),
    kind: 'legacy_out_of_scope',
    status: 'ok',
    problem: null,
  },
  {
    label: 'renamed project: the sc:// subject changed, the FIC still names the old project (AADSTS700213)',
    connection: wif(LEGACY, 'sc://fabrikam/Alpha2/deploy-prod'),
    lookup: found([fic('legacy', LEGACY, SC)]),
    kind: 'broken',
    status: 'unknown',
    problem: 'federation_mismatch',
    message: [
      /subject "sc:\/\/fabrikam\/Alpha2\/deploy-prod"/,
      /"legacy", has subject "sc:\/\/fabrikam\/Alpha\/deploy-prod"/,
    ],
    aadsts: 700213,
  },
  {
    label: 'renamed connection: the FIC names the old connection name (AADSTS700213)',
    connection: wif(LEGACY, 'sc://fabrikam/Alpha/deploy-production'),
    lookup: found([fic('legacy', LEGACY, SC)]),
    kind: 'broken',
    status: 'unknown',
    problem: 'federation_mismatch',
    message: [/deploy-production/, /has subject "sc:\/\/fabrikam\/Alpha\/deploy-prod"/],
    aadsts: 700213,
  },
  {
    label: 'audience mismatch: issuer and subject match, the audience does not',
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: found([fic('entra', ENTRA, ENTRA_SUBJECT, ['api://AzureADTokenExchange/'])]),
    kind: 'broken',
    status: 'unknown',
    problem: 'federation_mismatch',
    message: [/audience "api:\/\/AzureADTokenExchange"/, /has audience "api:\/\/AzureADTokenExchange\/"/],
    aadsts: 70021,
  },
  {
    label: 'whitespace in the issuer of the FIC: another issuer to Entra (AADSTS700211)',
    connection: wif(LEGACY, SC),
    lookup: found([fic('legacy', `${LEGACY} `, SC)]),
    kind: 'broken',
    status: 'unknown',
    problem: 'federation_mismatch',
    message: [new RegExp(`has issuer "${LEGACY} "`)],
    aadsts: 700211,
  },
  {
    label: 'a flexible FIC (subject null) beside the matching one is ignored',
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: found([FLEXIBLE, fic('entra', ENTRA, ENTRA_SUBJECT)]),
    kind: 'federated',
    status: 'ok',
    problem: null,
  },
  {
    label: 'only a flexible FIC: broken, nothing to compare (AADSTS700211)',
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: found([FLEXIBLE]),
    kind: 'broken',
    status: 'unknown',
    problem: 'federation_mismatch',
    message: [/only flexible federated credentials/],
    aadsts: 700211,
  },
  {
    label: "FIC on another app: this connection's app has none (AADSTS70025)",
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: found([]),
    kind: 'broken',
    status: 'unknown',
    problem: 'federation_mismatch',
    message: [/has no federated credential/, /AADSTS70025/],
    aadsts: 70025,
  },
  {
    label: 'issuer moved to Entra, the FIC is still legacy (AADSTS700211)',
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: found([fic('legacy', LEGACY, SC)]),
    kind: 'broken',
    status: 'unknown',
    problem: 'federation_mismatch',
    message: [new RegExp(`the nearest, "legacy", has issuer "${LEGACY}"`)],
    aadsts: 700211,
  },
  {
    label: 'the old app.vstoken.visualstudio.com issuer is broken even with a matching FIC',
    connection: wif('https://app.vstoken.visualstudio.com', SC),
    lookup: found([fic('old', 'https://app.vstoken.visualstudio.com', SC)]),
    kind: 'broken',
    status: 'unknown',
    problem: 'federation_mismatch',
    message: [/old issuer/],
    aadsts: 70021,
  },
  {
    label: 'managed identity behind a WIF connection: ok, noted "not checked"',
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: { kind: 'managed_identity', objectId: 'mi-1', displayName: 'uami-deploy' },
    kind: 'managed_identity',
    status: 'ok',
    problem: null,
  },
  {
    label: 'a ManagedServiceIdentity connection: ok, noted "not checked"',
    connection: connection({ scheme: 'ManagedServiceIdentity', authenticationType: null, appId: null }),
    lookup: undefined,
    kind: 'managed_identity',
    status: 'ok',
    problem: null,
  },
  {
    label: 'the connection shows no issuer: not checked, unknown, not counted as failed',
    connection: wif(null, null),
    lookup: found([fic('entra', ENTRA, ENTRA_SUBJECT)]),
    kind: 'not_checked',
    status: 'unknown',
    problem: 'federation_not_checked',
  },
  {
    label: 'the rotator may not read the app (OwnedBy, not an owner): not checked, not counted as failed',
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: { kind: 'forbidden', message: 'Not allowed' },
    kind: null,
    status: 'unknown',
    problem: 'federation_not_checked',
  },
  {
    label: 'the app behind a WIF connection was deleted: app_not_found',
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: { kind: 'not_found' },
    kind: null,
    status: 'unknown',
    problem: 'app_not_found',
  },
  {
    label: 'a disabled service principal wins over a matching FIC',
    connection: wif(ENTRA, ENTRA_SUBJECT),
    lookup: found([fic('entra', ENTRA, ENTRA_SUBJECT)]),
    spEnabled: false,
    kind: 'federated',
    status: 'ok',
    problem: 'service_principal_disabled',
  },
];

describe('evaluateConnection: workload identity federation (spec §7)', () => {
  for (const row of TABLE) {
    it(row.label, () => {
      const report = evaluateConnection(row.connection, row.lookup, row.spEnabled, THRESHOLDS, TENANT, NOW);
      assert.equal(report.federation?.kind ?? null, row.kind);
      assert.equal(report.status, row.status);
      assert.equal(report.problem?.code ?? null, row.problem);
      assert.equal(report.secretless, true);
      if (row.aadsts !== undefined) assert.equal(report.federation?.aadsts, row.aadsts);
      for (const fragment of row.message ?? []) assert.match(report.problem?.message ?? '', fragment);
      if (row.problem === 'federation_mismatch') {
        assert.equal(report.problem?.actionRequired, true);
        assert.match(report.problem?.message ?? '', /"deploy-prod"/);
      }
      if (row.problem === 'federation_not_checked') assert.equal(report.problem?.actionRequired, false);
      if (row.kind !== 'legacy_issuer') assert.equal(report.expiresAt, null);
    });
  }

  it('a legacy-issuer connection carries the retirement as its expiry and days left', () => {
    const report = evaluateConnection(
      wif(LEGACY, SC),
      found([fic('legacy', LEGACY, SC)]),
      null,
      THRESHOLDS,
      TENANT,
      NOW,
    );
    assert.equal(report.expiresAt, ISSUER_RETIREMENT);
    assert.equal(report.daysLeft, 219);
    assert.equal(report.expiresAt, '2027-07-01T00:00:00.000Z');
  });
});

describe('evaluateConnection: the 2027-07-01 crossing under the thresholds (fake clock)', () => {
  const T30: Thresholds = { warningDays: 30, failureDays: 7 };
  const T300: Thresholds = { warningDays: 300, failureDays: 7 };
  const R = ISSUER_RETIREMENT_MS;
  const CROSSING: Array<[string, number, Thresholds, ConnectionStatus, number]> = [
    ['301 days before, 30/7', R - days(301), T30, 'ok', 301],
    ['301 days before, 300/7', R - days(301), T300, 'ok', 301],
    ['300 days before, 300/7: warning', R - days(300), T300, 'warning', 300],
    ['31 days before, 30/7: still ok', R - days(31), T30, 'ok', 31],
    ['31 days before, 300/7: warning', R - days(31), T300, 'warning', 31],
    ['30 days before, 30/7: warning', R - days(30), T30, 'warning', 30],
    ['8 days before, 30/7: warning', R - days(8), T30, 'warning', 8],
    ['7 days before, 30/7: critical', R - days(7), T30, 'critical', 7],
    ['7 days before, 300/7: critical', R - days(7), T300, 'critical', 7],
    ['one millisecond before: critical, 0 days', R - 1, T30, 'critical', 0],
    ['at the retirement itself: critical, 0 days', R, T300, 'critical', 0],
    ['one millisecond after: expired, -1 days', R + 1, T30, 'expired', -1],
    ['a year after, 300/7: expired', R + days(365), T300, 'expired', -365],
  ];
  for (const [label, now, thresholds, status, daysLeft] of CROSSING) {
    it(label, () => {
      const report = evaluateConnection(
        wif(LEGACY, SC),
        found([fic('legacy', LEGACY, SC)]),
        null,
        thresholds,
        TENANT,
        now,
      );
      assert.equal(report.federation?.kind, 'legacy_issuer');
      assert.equal(report.status, status);
      assert.equal(report.daysLeft, daysLeft);
      assert.equal(report.expiresAt, ISSUER_RETIREMENT);
    });
  }
});
