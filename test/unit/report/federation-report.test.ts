// The federation findings through the report: variables, result, summary (spec §7, §3).
import assert from 'node:assert/strict';
import type { ServiceConnection } from '../../../lib/devops/types';
import { azureDevOpsIssuer, entraIssuer, ISSUER_RETIREMENT } from '../../../lib/federation/issuers';
import { entraSubject } from '../../../lib/federation/subjects';
import type { ApplicationLookup, FederatedCredentialInfo } from '../../../lib/graph/types';
import { evaluateConnection } from '../../../lib/inventory/evaluate';
import type { DanglingCredential, Inventory } from '../../../lib/inventory/types';
import { buildReport } from '../../../lib/report/build-report';
import { renderSummary } from '../../../lib/report/markdown-summary';
import { decideResult, reportTotals } from '../../../lib/report/run-report';
import { plan as planRun } from '../../../lib/rotation/planner';
import { outputValues } from '../../../tasks/ServiceConnectionRotatorV1/outputs';
import {
  app,
  connection,
  days,
  federatedCredential,
  inventory,
  NOW,
  POLICY,
  password,
  TENANT,
  THRESHOLDS,
  uuid,
} from '../inventory/builders';

const ORG_ID = uuid(77, 'dddddddd');
const LEGACY = azureDevOpsIssuer(ORG_ID);
const AUD = ['api://AzureADTokenExchange'];
const fic = (name: string, issuer: string, subject: string) =>
  federatedCredential(name, issuer, subject, AUD);

function wif(n: number, name: string, issuer: string, subject: string): ServiceConnection {
  return connection({
    id: uuid(n),
    name,
    scheme: 'WorkloadIdentityFederation',
    authenticationType: null,
    appId: uuid(n, 'cccccccc'),
    federation: { issuer, subject },
    projects: [{ projectId: uuid(10, 'bbbbbbbb'), projectName: 'Alpha', connectionName: name }],
  });
}
const found = (fics: FederatedCredentialInfo[]): ApplicationLookup => ({
  kind: 'found',
  app: { ...app([]), signInAudience: 'AzureADMyOrg', federatedCredentials: fics },
});

const DANGLING: DanglingCredential = {
  appId: uuid(201, 'cccccccc'),
  appObjectId: 'obj-201',
  appDisplayName: 'legacy app',
  name: 'old-name',
  issuer: LEGACY,
  subject: 'sc://fabrikam/Alpha/deploy-old',
  risk: 'No connection "deploy-old" exists in project "Alpha": a new connection with that name would inherit the access of app "legacy app".',
};

/** A secret far out (2028), a legacy-issuer connection, a broken one, an Entra one, and a dangling FIC. */
function mixed(now: number, thresholds = THRESHOLDS): Inventory {
  const legacySubject = 'sc://fabrikam/Alpha/legacy-conn';
  const entraConn = wif(203, 'entra-conn', entraIssuer(TENANT), '');
  const entraSub = entraSubject({ tenantId: TENANT, organizationId: ORG_ID, connectionId: entraConn.id });
  entraConn.federation = { issuer: entraIssuer(TENANT), subject: entraSub };
  const reports = [
    evaluateConnection(
      connection({ id: uuid(200), name: 'secret-conn' }),
      { kind: 'found', app: app([password(uuid(1, 'eeeeeeee'), Date.parse('2028-06-01T00:00:00Z'))]) },
      null,
      thresholds,
      TENANT,
      now,
    ),
    evaluateConnection(
      wif(201, 'legacy-conn', LEGACY, legacySubject),
      found([fic('l', LEGACY, legacySubject)]),
      null,
      thresholds,
      TENANT,
      now,
    ),
    evaluateConnection(
      wif(202, 'renamed-conn', LEGACY, 'sc://fabrikam/Alpha/renamed-conn'),
      found([fic('r', LEGACY, 'sc://fabrikam/Alpha/before-rename')]),
      null,
      thresholds,
      TENANT,
      now,
    ),
    evaluateConnection(
      entraConn,
      found([fic('e', entraIssuer(TENANT), entraSub)]),
      null,
      thresholds,
      TENANT,
      now,
    ),
  ];
  return { ...inventory(reports), danglingCredentials: [DANGLING] };
}

function reportOf(inv: Inventory, action: 'report' | 'rotate' = 'report') {
  const plan = action === 'rotate' ? planRun(inv, POLICY, NOW) : null;
  return buildReport({
    action,
    dryRun: false,
    version: '9.9.9',
    inventory: inv,
    plan,
    results: plan ? [] : null,
    policy: POLICY,
    startedAt: NOW,
    finishedAt: NOW,
  });
}

describe('federation in the report', () => {
  it('counts the legacy connection, the broken one as failed, and NextExpiry is the retirement', () => {
    const report = reportOf(mixed(NOW));
    const totals = reportTotals(report, NOW);
    assert.equal(totals.legacyIssuer, 1);
    assert.equal(totals.failed, 1);
    assert.equal(totals.dangling, 1);
    assert.equal(totals.nextExpiry, ISSUER_RETIREMENT);
    assert.equal(totals.daysUntilNextExpiry, 219);
    const outputs = outputValues(report, '/r.json', NOW);
    assert.equal(outputs.LegacyIssuerCount, '1');
    assert.equal(outputs.FailedCount, '1');
    assert.equal(outputs.NextExpiry, '2027-07-01T00:00:00.000Z');
    assert.deepEqual(report.danglingCredentials, [DANGLING]);
  });

  it('names the broken connection as the first failure, with the expected and nearest subject', () => {
    const { result, message } = decideResult(reportOf(mixed(NOW)));
    assert.equal(result, 'Failed');
    assert.match(
      message,
      /1 failed, 1 dangling federated credential\. See the summary\. First failure: renamed-conn:/,
    );
    assert.match(message, /subject "sc:\/\/fabrikam\/Alpha\/renamed-conn"/);
    assert.match(message, /has subject "sc:\/\/fabrikam\/Alpha\/before-rename" \(AADSTS700213\)/);
  });

  it('a dangling FIC alone makes the run SucceededWithIssues', () => {
    const inv = mixed(NOW);
    const healthy = { ...inv, connections: inv.connections.filter((c) => c.name !== 'renamed-conn') };
    assert.deepEqual(decideResult(reportOf(healthy)), {
      result: 'SucceededWithIssues',
      message: '3 service connections: 1 dangling federated credential. See the summary.',
    });
  });

  it('the legacy issuer goes warning, then critical, as 2027-07-01 nears (thresholds 300/7)', () => {
    const wide = { warningDays: 300, failureDays: 7 };
    const legacy = (now: number) =>
      reportOf(mixed(now, wide)).connections.find((r) => r.name === 'legacy-conn');
    assert.equal(legacy(NOW)?.status, 'warning');
    assert.equal(legacy(Date.parse(ISSUER_RETIREMENT) - days(7))?.status, 'critical');
    assert.equal(legacy(Date.parse(ISSUER_RETIREMENT) - days(7))?.daysLeft, 7);
  });

  it('the summary has a Federation section: legacy connections with days left, the broken one, the dangling FIC', () => {
    const summary = renderSummary(reportOf(mixed(NOW)));
    const section = summary.slice(summary.indexOf('### Federation'));
    assert.ok(summary.includes('### Federation'));
    assert.match(section, /1 connection on the Azure DevOps issuer, which stops working on 2027-07-01/);
    assert.match(section, /\| legacy-conn \| Alpha \| 219 \|/);
    assert.match(section, /1 connection whose federated credential does not match: renamed-conn/);
    assert.match(
      section,
      /\| legacy app \| old-name \| sc:\/\/fabrikam\/Alpha\/deploy-old \| No connection "deploy-old" exists/,
    );
    assert.match(
      summary,
      /On the Azure DevOps issuer, retired on 2027-07-01 .* 219 days left until 2027-07-01\./,
    );
  });

  it('no Federation section when nothing was found', () => {
    const inv = mixed(NOW);
    const quiet = {
      ...inv,
      connections: inv.connections.filter((c) => c.name === 'secret-conn' || c.name === 'entra-conn'),
      danglingCredentials: [],
    };
    assert.ok(!renderSummary(reportOf(quiet)).includes('### Federation'));
  });

  it('action rotate plans no write for a WIF connection, broken or not', () => {
    const inv = mixed(NOW);
    const plan = planRun(inv, POLICY, NOW);
    for (const name of ['legacy-conn', 'renamed-conn', 'entra-conn']) {
      const id = inv.connections.find((c) => c.name === name)?.id;
      const e = plan.entries.find((x: { connectionId: string }) => x.connectionId === id);
      assert.equal(e?.action, 'skip', name);
      assert.equal(e?.rotate, null);
      assert.deepEqual(e?.retire, []);
    }
  });
});
