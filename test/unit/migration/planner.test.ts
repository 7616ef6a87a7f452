import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EndpointDocument } from '../../../lib/devops/types';
import type { FederatedCredentialInfo, PasswordCredentialInfo } from '../../../lib/graph/types';
import { problem } from '../../../lib/inventory/problems';
import type { ConnectionReport } from '../../../lib/inventory/types';
import { ficNameFor, formatFicDescription } from '../../../lib/migration/fic-naming';
import { planMigration, planRevert } from '../../../lib/migration/planner';
import type { MigrationEntry, MigrationFacts } from '../../../lib/migration/types';
import { days, hours, inventory, iso, NOW, ours, password, report, uuid } from '../inventory/builders';

const ORG_ID = uuid(7, 'ffffffff');
const CONN = report().id;
const OTHER_CONN = uuid(102);
const OPTIONS = { organizationId: ORG_ID, revokeAfterHours: 24 };
const ENTRA = 'https://login.microsoftonline.com/aaaaaaaa-0000-4000-8000-000000000001/v2.0';
const SUBJECT = `/eid1/c/pub/t/T/a/rISbSSETf0KqFyZ8ppdXmA/sc/${ORG_ID}/${CONN}`;
const LEGACY = `https://vstoken.dev.azure.com/${ORG_ID}`;
const LEGACY_SUBJECT = 'sc://fabrikam/Alpha/deploy-prod';
const TARGET = { issuer: ENTRA, subject: SUBJECT, ficName: ficNameFor(CONN) };

function fic(
  name: string,
  issuer: string,
  subject: string,
  description: string | null = null,
): FederatedCredentialInfo {
  return {
    id: uuid(900 + name.length),
    name,
    issuer,
    subject,
    audiences: ['api://AzureADTokenExchange'],
    description,
  };
}
const entraFic = (description: string | null = null) => fic(TARGET.ficName, ENTRA, SUBJECT, description);
const legacyFic = fic('legacy', LEGACY, LEGACY_SUBJECT);
const twenty = Array.from({ length: 20 }, (_, i) => fic(`other-${i}`, ENTRA, `s-${i}`));

function doc(over: {
  scheme?: string;
  issuer?: string | null;
  subject?: string | null;
  data?: Record<string, string>;
  state?: string;
  isReady?: boolean;
  modifiedMs?: number;
}): EndpointDocument {
  const parameters: Record<string, string | null> = { tenantid: 'tenant', serviceprincipalid: 'app' };
  if (over.issuer) parameters['workloadIdentityFederationIssuer'] = over.issuer;
  if (over.subject) parameters['workloadIdentityFederationSubject'] = over.subject;
  return {
    id: CONN,
    name: 'deploy-prod',
    type: 'azurerm',
    url: 'https://management.azure.com/',
    authorization: { scheme: over.scheme ?? 'ServicePrincipal', parameters },
    data: { environment: 'AzureCloud', ...over.data },
    serviceEndpointProjectReferences: [],
    isReady: over.isReady ?? true,
    operationStatus: { state: over.state ?? 'Ready', statusMessage: '' },
    modificationDate: iso(over.modifiedMs ?? NOW - days(3)),
  };
}

function facts(over: {
  document?: EndpointDocument | null;
  fics?: FederatedCredentialInfo[];
  passwords?: PasswordCredentialInfo[];
  signInAudience?: string;
  noApp?: boolean;
}): MigrationFacts {
  return {
    document: over.document === undefined ? doc({}) : over.document,
    target: TARGET,
    app: over.noApp
      ? null
      : {
          objectId: uuid(300, 'dddddddd'),
          signInAudience: over.signInAudience ?? 'AzureADMyOrg',
          passwords: over.passwords ?? [],
          federatedCredentials: over.fics ?? [],
        },
    legacyIssuers: [LEGACY],
  };
}

const wif = (over: Parameters<typeof doc>[0] = {}) =>
  doc({ scheme: 'WorkloadIdentityFederation', issuer: ENTRA, subject: SUBJECT, ...over });
const DEADLINE_AHEAD = { revertSchemeDeadline: iso(NOW + days(2)) };
const DEADLINE_PAST = { revertSchemeDeadline: iso(NOW - days(1)) };

interface Row {
  label: string;
  report?: Partial<ConnectionReport>;
  facts: MigrationFacts | null;
  expect: Partial<MigrationEntry> & { skipCode?: string; actionRequired?: boolean };
}

const table: Row[] = [
  {
    label: 'Manual secret connection: convert',
    facts: facts({}),
    expect: { action: 'convert', ficPresent: false },
  },
  {
    label: 'Automatic secret connection: convert too (automaticConnections is for rotation only)',
    report: { creationMode: 'Automatic' },
    facts: facts({}),
    expect: { action: 'convert' },
  },
  {
    label: 'certificate connection: convert',
    report: { authenticationType: 'spnCertificate' },
    facts: facts({}),
    expect: { action: 'convert' },
  },
  {
    label: 'expired secret: convert (the best fix for it)',
    report: { status: 'expired', daysLeft: -3 },
    facts: facts({}),
    expect: { action: 'convert' },
  },
  {
    label: 'the Entra credential of a crashed run exists: convert, reusing it',
    facts: facts({ fics: [entraFic()] }),
    expect: { action: 'convert', ficPresent: true },
  },
  {
    label: '20 credentials, none ours: fic_limit, nothing written',
    facts: facts({ fics: twenty }),
    expect: { action: 'skip', skipCode: 'fic_limit', actionRequired: true },
  },
  {
    label: '20 credentials, one of them the Entra one: convert (no write needed)',
    facts: facts({ fics: [...twenty.slice(1), entraFic()] }),
    expect: { action: 'convert', ficPresent: true },
  },
  {
    label: 'not an Administrator (the Manage read hides it): skip, nothing written',
    facts: facts({ document: null }),
    expect: { action: 'skip', skipCode: 'not_administrator', actionRequired: true },
  },
  {
    label: 'a survey read that failed (Graph refused the app): skip with its reason, nothing written',
    facts: {
      ...facts({}),
      failure: {
        message: 'Reading "deploy-prod" for the migration failed: HTTP 403',
        fix: 'Grant Application.Read.All.',
      },
    },
    expect: { action: 'skip', skipCode: 'not_evaluated', actionRequired: true },
  },
  {
    label: 'managed identity: skip, noted',
    report: { scheme: 'ManagedServiceIdentity', secretless: true },
    facts: facts({}),
    expect: { action: 'skip', skipCode: 'managed_identity', actionRequired: false },
  },
  {
    label: 'multitenant app: skip, noted',
    facts: facts({ signInAudience: 'AzureADMultipleOrgs' }),
    expect: { action: 'skip', skipCode: 'multitenant', actionRequired: false },
  },
  {
    label: 'non-public cloud: skip, noted',
    facts: facts({ document: doc({ data: { environment: 'AzureUSGovernment' } }) }),
    expect: { action: 'skip', skipCode: 'non_public_cloud', actionRequired: false },
  },
  {
    label: 'other tenant than the rotator: skip with the inventory problem',
    report: {
      status: 'unknown',
      problem: problem('other_tenant', {
        connectionName: 'deploy-prod',
        appId: 'a',
        tenantId: 't',
        rotatorTenantId: 'r',
      }),
    },
    facts: facts({}),
    expect: { action: 'skip', skipCode: 'not_evaluated', actionRequired: true },
  },
  {
    label: 'disabled: skip',
    report: { isDisabled: true },
    facts: facts({}),
    expect: { action: 'skip', skipCode: 'connection_disabled' },
  },
  {
    label: 'conversion InProgress (a crashed run during polling): resume',
    facts: facts({ document: doc({ state: 'InProgress', isReady: false }) }),
    expect: { action: 'resume_conversion' },
  },
  {
    label: 'failed earlier operation: skip, not ready',
    facts: facts({ document: doc({ state: 'Failed', isReady: false }) }),
    expect: { action: 'skip', skipCode: 'connection_not_ready' },
  },
  {
    label: 'WIF on the legacy issuer: prepare the move beside the legacy credential',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({ document: wif({ issuer: LEGACY, subject: LEGACY_SUBJECT }), fics: [legacyFic] }),
    expect: {
      action: 'prepare_issuer_move',
      legacyFic: 'legacy',
      ficPresent: false,
      portalUrl: `https://dev.azure.com/fabrikam/Alpha/_settings/adminservices?resourceId=${CONN}`,
    },
  },
  {
    label: 'legacy issuer, Entra credential already there: prepare again (hand-off only, no write)',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({
      document: wif({ issuer: LEGACY, subject: LEGACY_SUBJECT }),
      fics: [legacyFic, entraFic()],
    }),
    expect: { action: 'prepare_issuer_move', ficPresent: true },
  },
  {
    label: 'legacy issuer, 20 credentials: fic_limit',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({ document: wif({ issuer: LEGACY, subject: LEGACY_SUBJECT }), fics: twenty }),
    expect: { action: 'skip', skipCode: 'fic_limit' },
  },
  {
    label: 'legacy issuer, multitenant app: keeps it, noted',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({
      document: wif({ issuer: LEGACY, subject: LEGACY_SUBJECT }),
      signInAudience: 'AzureADMultipleOrgs',
    }),
    expect: { action: 'skip', skipCode: 'multitenant', actionRequired: false },
  },
  {
    label: 'switched, grace not over: verify, keep the legacy credential',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({
      document: wif({ modifiedMs: NOW - hours(23) }),
      fics: [legacyFic, entraFic(formatFicDescription(CONN, 'legacy'))],
    }),
    expect: { action: 'verify', legacyFic: 'legacy', removeLegacyFic: false },
  },
  {
    label: 'switched 24 h ago: verify, then delete the legacy credential',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({
      document: wif({ modifiedMs: NOW - hours(24) }),
      fics: [legacyFic, entraFic(formatFicDescription(CONN, 'legacy'))],
    }),
    expect: { action: 'verify', legacyFic: 'legacy', removeLegacyFic: true },
  },
  {
    label: 'switched, but our credential records no legacy one (made by someone else): never delete',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({ document: wif({}), fics: [legacyFic, entraFic('made in the portal')] }),
    expect: { action: 'nothing', removeLegacyFic: false },
  },
  {
    label: 'converted, inside the revert window: verify, no password removed',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({
      document: wif({ data: DEADLINE_AHEAD }),
      fics: [entraFic()],
      passwords: [ours(uuid(1, 'eeeeeeee'), CONN, NOW - days(5))],
    }),
    expect: { action: 'verify', removeKeyIds: [] },
  },
  {
    label: 'after the revert window: remove only our passwords for this connection, name the rest',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({
      document: wif({ data: DEADLINE_PAST }),
      fics: [entraFic()],
      passwords: [
        ours(uuid(1, 'eeeeeeee'), CONN, NOW - days(50)),
        ours(uuid(2, 'eeeeeeee'), OTHER_CONN, NOW - days(50)),
        password(uuid(3, 'eeeeeeee'), NOW + days(100)),
      ],
    }),
    expect: {
      action: 'remove_secrets',
      removeKeyIds: [uuid(1, 'eeeeeeee')],
      foreignKeyIds: [uuid(2, 'eeeeeeee'), uuid(3, 'eeeeeeee')],
    },
  },
  {
    label: 'after the revert window, none of ours left: nothing',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({
      document: wif({ data: DEADLINE_PAST }),
      passwords: [password(uuid(3, 'eeeeeeee'), NOW + days(9))],
    }),
    expect: { action: 'nothing', foreignKeyIds: [uuid(3, 'eeeeeeee')] },
  },
  {
    label: 'created as WIF on the Entra issuer: nothing',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({ document: wif({}) }),
    expect: { action: 'nothing' },
  },
  {
    label: 'Entra issuer with another subject than computed: subject_unexpected',
    report: { scheme: 'WorkloadIdentityFederation', secretless: true, app: null },
    facts: facts({ document: wif({ subject: '/eid1/c/pub/t/X/a/Y/sc/other' }) }),
    expect: { action: 'skip', skipCode: 'subject_unexpected', actionRequired: true },
  },
];

describe('migration planner: planMigration', () => {
  for (const row of table) {
    it(row.label, () => {
      const r = report(row.report);
      const map = new Map(row.facts ? [[r.id.toLowerCase(), row.facts]] : []);
      const [entry] = planMigration(inventory([r]), map, OPTIONS, NOW).entries;
      const { skipCode, actionRequired, ...fields } = row.expect;
      for (const [key, value] of Object.entries(fields)) {
        assert.deepEqual(entry![key as keyof MigrationEntry], value, `${key}`);
      }
      if (skipCode) assert.equal(entry!.skip?.code, skipCode);
      else assert.equal(entry!.skip, null);
      if (actionRequired !== undefined) assert.equal(entry!.skip?.actionRequired, actionRequired);
    });
  }

  it('never deletes a legacy credential another connection in scope still presents', () => {
    const moved = report({ scheme: 'WorkloadIdentityFederation', secretless: true, app: null });
    const stillLegacy = report({
      id: OTHER_CONN,
      name: 'twin',
      scheme: 'WorkloadIdentityFederation',
      secretless: true,
    });
    const fics = [legacyFic, entraFic(formatFicDescription(CONN, 'legacy'))];
    const map = new Map([
      [CONN, facts({ document: wif({ modifiedMs: NOW - days(2) }), fics })],
      [
        OTHER_CONN,
        facts({ document: { ...wif({ issuer: LEGACY, subject: LEGACY_SUBJECT }), id: OTHER_CONN }, fics }),
      ],
    ]);
    const entries = planMigration(inventory([moved, stillLegacy]), map, OPTIONS, NOW).entries;
    assert.equal(entries[0]!.action, 'verify');
    assert.equal(entries[0]!.removeLegacyFic, false);
  });

  it('plans no write for any connection the survey could not read as an Administrator (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ServicePrincipal', 'WorkloadIdentityFederation'),
        fc.boolean(),
        (scheme, automatic) => {
          const r = report({ scheme, creationMode: automatic ? 'Automatic' : 'Manual' });
          const [entry] = planMigration(
            inventory([r]),
            new Map([[CONN, facts({ document: null })]]),
            OPTIONS,
            NOW,
          ).entries;
          return entry!.action === 'skip' && entry!.skip?.code === 'not_administrator';
        },
      ),
    );
  });
});

describe('migration planner: planRevert', () => {
  const converted = (deadline: string | undefined, over: Partial<ConnectionReport> = {}) =>
    report({
      scheme: 'WorkloadIdentityFederation',
      secretless: true,
      ...(deadline ? { revertSchemeDeadline: deadline } : {}),
      ...over,
    });
  const revert = (r: ConnectionReport) => planRevert(inventory([r]), OPTIONS, NOW).entries[0]!;

  it('reverts inside the window', () => {
    assert.equal(revert(converted(iso(NOW + 1))).action, 'revert');
  });
  it('refuses at and after the deadline, naming it, and asks the user to act', () => {
    const entry = revert(converted(iso(NOW)));
    assert.equal(entry.skip?.code, 'revert_window_closed');
    assert.match(entry.skip!.message, new RegExp(iso(NOW)));
    assert.equal(entry.skip!.actionRequired, true);
  });
  it('leaves connections created as WIF and secret connections alone, as notes', () => {
    assert.equal(revert(converted(undefined)).skip?.code, 'not_converted');
    assert.equal(revert(report()).skip?.code, 'not_converted');
    assert.equal(revert(report()).skip?.actionRequired, false);
  });
});
