import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { hasCode } from '../../lib';
import {
  lastSeq,
  migrationRotator,
  runMigration,
  signInAsPipeline,
  startMigrationEmulator,
  writes,
} from './migration-harness';
import { APPS, CONNECTIONS, ENTRA_ISSUER, KEYS, migrationOrg, ORG, PROJECT, TENANT } from './migration-org';

const DAY = 86_400_000;
const subjectOf = (connectionId: string) =>
  `/eid1/c/pub/t/${guidSegment(TENANT)}/a/rISbSSETf0KqFyZ8ppdXmA/sc/${ORG.id}/${connectionId}`;

describe('migrate to workload identity federation (real clients against the emulator)', () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startMigrationEmulator();
  });
  afterEach(() => emulator.close());

  const connection = (id: string) => emulator.state.connection(id)!;
  const fics = (appId: string) => emulator.state.application(appId)!.federatedIdentityCredentials;

  it('converts Manual and Automatic secret connections: FIC before the PUT, then signs in, old secret still on the app', async () => {
    const { results } = await runMigration(emulator, 'manual\nauto');
    assert.deepEqual(
      results!.map((r) => [r.connectionName, r.outcome]),
      [
        ['auto', 'converted'],
        ['manual', 'converted'],
      ],
    );
    for (const key of ['manual', 'auto'] as const) {
      const id = CONNECTIONS[key];
      const app = APPS[key];
      const ours = writes(emulator).filter((w) => w.path.includes(app.objectId) || w.path.includes(id));
      assert.deepEqual(
        ours.map((w) => w.operation),
        ['graph.fic.create', 'devops.endpoints.update'],
        `${key}: the federated credential is created first, then the one conversion`,
      );
      assert.equal(connection(id).scheme, 'WorkloadIdentityFederation');
      assert.equal(connection(id).issuerType, 'EntraID');
      assert.deepEqual(
        fics(app.appId).map((f) => [f.name, f.issuer, f.subject]),
        [[`sc-rotator-${id}`, ENTRA_ISSUER, subjectOf(id)]],
      );
      assert.equal(await signInAsPipeline(emulator, id, app.appId), 200, `${key} signs in by federation`);
      assert.ok(
        emulator.state.application(app.appId)!.passwordCredentials.some((p) => p.keyId === KEYS[key]),
        `${key}: the old secret stays during the revert window`,
      );
      const deadline = results!.find((r) => r.connectionId === id)!.revertSchemeDeadline;
      assert.equal(deadline, connection(id).data['revertSchemeDeadline']);
    }
    assert.equal(connection(CONNECTIONS.auto).data['creationMode'], 'Automatic', 'nothing else changed');
  });

  it('polls while the conversion is InProgress (202), then verifies', async () => {
    emulator.state.store.conversionDelayMs = 12_000;
    const { results } = await runMigration(emulator, 'manual');
    assert.equal(results![0]!.outcome, 'converted', results![0]!.error?.message);
    const update = emulator.requests().find((r) => r.operation === 'devops.endpoints.update')!;
    assert.equal(update.status, 202);
    const polls = emulator
      .requests()
      .filter(
        (r) =>
          r.operation === 'devops.endpoints.get' && r.seq > update.seq && r.path.includes(CONNECTIONS.manual),
      );
    // Read at once (InProgress), after 5 s (InProgress), after 10 s (InProgress), after 15 s (Ready); then the verify read.
    assert.equal(polls.length, 5);
    assert.equal(connection(CONNECTIONS.manual).operationStatus.state, 'Ready');
  });

  it('waits while the new federated credential propagates (AADSTS70021), then verifies', async () => {
    emulator.faults.propagationDelayMs = 20_000;
    const { results } = await runMigration(emulator, 'manual');
    assert.equal(results![0]!.outcome, 'converted', results![0]!.error?.message);
    const tests = emulator
      .requests()
      .filter((r) => r.operation === 'devops.endpointproxy.execute' && r.path.includes(CONNECTIONS.manual));
    // Refused at 0, 5, 10 and 15 s (70021), accepted at 20 s.
    assert.equal(tests.length, 5);
  });

  it('converts a certificate connection', async () => {
    const { results } = await runMigration(emulator, 'cert');
    assert.equal(results![0]!.outcome, 'converted');
    assert.equal(connection(CONNECTIONS.cert).confidential.size, 0);
    assert.equal(await signInAsPipeline(emulator, CONNECTIONS.cert, APPS.cert.appId), 200);
  });

  it('writes nothing in a dry run, and nothing on a second migrate', async () => {
    const dry = await runMigration(emulator, 'manual\nauto\ncert', { dryRun: true });
    assert.deepEqual(
      dry.plan.entries.map((e) => e.action),
      ['convert', 'convert', 'convert'],
    );
    assert.equal(writes(emulator).length, 0);
    await runMigration(emulator, 'manual\nauto\ncert');
    const after = lastSeq(emulator);
    const second = await runMigration(emulator, 'manual\nauto\ncert');
    assert.deepEqual(
      second.results!.map((r) => r.outcome),
      ['verified', 'verified', 'verified'],
    );
    assert.deepEqual(writes(emulator, after), []);
  });

  it('reports fic_limit for an app with 20 federated credentials and writes nothing', async () => {
    const { results } = await runMigration(emulator, 'full');
    assert.equal(results![0]!.skip?.code, 'fic_limit');
    assert.deepEqual(writes(emulator), []);
    assert.equal(fics(APPS.full.appId).length, 20);
  });

  it('leaves a multitenant app on its secret: the Entra issuer does not support it (AADSTS70052)', async () => {
    const org = migrationOrg();
    const apps = org.applications!.map((a) =>
      a.appId === APPS.manual.appId ? { ...a, signInAudience: 'AzureADMultipleOrgs' as const } : a,
    );
    await emulator.close();
    emulator = await startMigrationEmulator({ org: { ...org, applications: apps } });
    const { results } = await runMigration(emulator, 'manual');
    assert.equal(results![0]!.skip?.code, 'multitenant');
    assert.equal(results![0]!.skip?.actionRequired, false);
    assert.deepEqual(writes(emulator), []);
  });

  it('leaves a connection the identity does not administer alone: named role, nothing written', async () => {
    const rotator = migrationRotator(emulator);
    const { results } = await runMigration(emulator, 'locked', { rotator });
    assert.equal(results![0]!.skip?.code, 'not_administrator');
    assert.match(results![0]!.skip!.message, /not an Administrator/);
    assert.match(results![0]!.skip!.fix, /"Administrator" role on the service connection 'locked'/);
    assert.deepEqual(writes(emulator), []);
    // Had it tried, Azure DevOps would have refused the conversion with a 403 naming the role.
    const doc = await rotator.clients.devops.get(PROJECT.id, CONNECTIONS.locked);
    await assert.rejects(
      rotator.clients.devops.convertScheme({
        ...doc!,
        authorization: { ...doc!.authorization, scheme: 'WorkloadIdentityFederation' },
      }),
      (error) =>
        hasCode(error, 'devops.not_admin') && /Administrator/.test(error.message + (error.fix ?? '')),
    );
    assert.equal(connection(CONNECTIONS.locked).scheme, 'ServicePrincipal');
  });

  it('prepares the issuer move, and after the portal Update verifies it and removes the legacy FIC after the grace', async () => {
    const first = await runMigration(emulator, 'legacy');
    assert.equal(first.results![0]!.outcome, 'ready_to_switch');
    assert.match(first.results![0]!.portalUrl!, /\/Alpha\/_settings\/adminservices\?resourceId=/);
    assert.deepEqual(
      fics(APPS.legacy.appId).map((f) => [f.name, f.issuer]),
      [
        ['legacy-alpha', `https://vstoken.dev.azure.com/${ORG.id}`],
        [`sc-rotator-${CONNECTIONS.legacy}`, ENTRA_ISSUER],
      ],
      'the Entra credential beside the legacy one: zero downtime',
    );
    assert.equal(connection(CONNECTIONS.legacy).issuerType, 'AzureDevOps');
    assert.equal(await signInAsPipeline(emulator, CONNECTIONS.legacy, APPS.legacy.appId), 200);

    const update = await fetch(`${emulator.urls.admin}connections/${CONNECTIONS.legacy}/updateIssuer`, {
      method: 'POST',
    });
    assert.equal(update.status, 200, 'the portal Update succeeds at once: the identity is configured');

    const verified = await runMigration(emulator, 'legacy');
    assert.equal(verified.results![0]!.outcome, 'verified');
    assert.deepEqual(verified.results![0]!.removedFics, [], 'not before revokeAfterHours');
    assert.equal(fics(APPS.legacy.appId).length, 2);

    emulator.clock.advance(DAY);
    const after = lastSeq(emulator);
    const cleaned = await runMigration(emulator, 'legacy');
    assert.deepEqual(cleaned.results![0]!.removedFics, ['legacy-alpha']);
    assert.deepEqual(
      writes(emulator, after).map((w) => w.operation),
      ['graph.fic.delete'],
    );
    assert.deepEqual(
      fics(APPS.legacy.appId).map((f) => f.name),
      [`sc-rotator-${CONNECTIONS.legacy}`],
    );
    assert.equal(await signInAsPipeline(emulator, CONNECTIONS.legacy, APPS.legacy.appId), 200);
  });

  it('removes only the secrets it minted for the connection, and only after the revert window', async () => {
    await runMigration(emulator, 'manual');
    const inside = lastSeq(emulator);
    await runMigration(emulator, 'manual');
    assert.deepEqual(writes(emulator, inside), [], 'nothing removed inside the window');
    emulator.clock.advance(7 * DAY + 60_000);
    const after = lastSeq(emulator);
    const { results } = await runMigration(emulator, 'manual');
    assert.equal(results![0]!.outcome, 'cleaned');
    assert.deepEqual(results![0]!.removedKeyIds, [KEYS.manualOurs]);
    assert.deepEqual(
      writes(emulator, after).map((w) => w.operation),
      ['graph.applications.removePassword'],
    );
    assert.deepEqual(
      emulator.state.application(APPS.manual.appId)!.passwordCredentials.map((p) => p.keyId),
      [KEYS.manual],
      'the secret it did not mint stays, named in the report for its owner',
    );
    assert.equal(await signInAsPipeline(emulator, CONNECTIONS.manual, APPS.manual.appId), 200);
  });

  it('reports subject_unexpected when Azure DevOps derives another subject, and changes nothing more', async () => {
    emulator.state.store.entraSubjectPrefix = '/eid1/c/pub/t/UNEXPECTED/a/PREFIX';
    const { results } = await runMigration(emulator, 'auto');
    assert.equal(results![0]!.outcome, 'failed');
    assert.equal(results![0]!.error?.code, 'migration.subject_unexpected');
    assert.match(results![0]!.error!.message, /UNEXPECTED/);
    const writesSeen = writes(emulator).map((w) => w.operation);
    assert.deepEqual(
      writesSeen,
      ['graph.fic.create', 'devops.endpoints.update'],
      'no write after the verify',
    );
    assert.ok(
      emulator.state.application(APPS.auto.appId)!.passwordCredentials.some((p) => p.keyId === KEYS.auto),
      'the old secret stays',
    );
  });

  it('migrates a whole organization: one connection failing stops none of the others', async () => {
    emulator.faults.add({
      operation: 'graph.fic.create',
      match: { appId: APPS.manual.appId },
      kind: 'status',
      status: 403,
    });
    const rotator = migrationRotator(emulator);
    const inventory = await rotator.discover({ connections: '*' });
    // After discovery the survey's read of another app is refused: only that connection is left out.
    emulator.faults.add({
      operation: 'graph.applications.get',
      match: { appId: APPS.cert.appId },
      kind: 'status',
      status: 403,
    });
    const results = await rotator.migrate(await rotator.planMigration(inventory));
    assert.deepEqual(Object.fromEntries(results.map((r) => [r.connectionName, r.skip?.code ?? r.outcome])), {
      auto: 'converted',
      cert: 'not_evaluated',
      full: 'fic_limit',
      legacy: 'ready_to_switch',
      locked: 'not_administrator',
      manual: 'failed',
    });
    const cert = results.find((r) => r.connectionName === 'cert')!;
    assert.match(cert.skip!.message, /Reading "cert" for the migration failed/);
    assert.equal(connection(CONNECTIONS.cert).scheme, 'ServicePrincipal');
    const manual = results.find((r) => r.connectionName === 'manual')!;
    assert.equal(manual.error?.code, 'graph.forbidden');
    assert.match(manual.error!.fix, /owner of the application/);
    assert.equal(
      connection(CONNECTIONS.manual).scheme,
      'ServicePrincipal',
      'no conversion without its credential',
    );
    assert.ok(
      !writes(emulator).some(
        (w) => w.operation === 'devops.endpoints.update' && w.path.includes(CONNECTIONS.manual),
      ),
    );
  });

  it('reverts inside the window; outside it refuses locally with no request', async () => {
    await runMigration(emulator, 'manual');
    const inside = await runMigration(emulator, 'manual', { revert: true });
    assert.equal(inside.results![0]!.outcome, 'reverted');
    assert.equal(connection(CONNECTIONS.manual).scheme, 'ServicePrincipal');
    assert.equal(connection(CONNECTIONS.manual).data['revertSchemeDeadline'], undefined);

    await runMigration(emulator, 'manual');
    emulator.clock.advance(7 * DAY);
    const rotator = migrationRotator(emulator);
    const inventory = await rotator.discover({ connections: 'manual' });
    const before = lastSeq(emulator);
    const plan = await rotator.planMigration(inventory, { revert: true });
    const results = await rotator.migrate(plan);
    assert.equal(results[0]!.skip?.code, 'revert_window_closed');
    assert.match(
      results[0]!.skip!.message,
      new RegExp(connection(CONNECTIONS.manual).data['revertSchemeDeadline']!.replace(/[.]/g, '\\.')),
    );
    assert.equal(lastSeq(emulator), before, 'no request at all');
    assert.equal(connection(CONNECTIONS.manual).scheme, 'WorkloadIdentityFederation');
  });
});

function guidSegment(guid: string): string {
  const h = guid.replace(/-/g, '');
  const bytes = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15].map((i) =>
    Number.parseInt(h.slice(i * 2, i * 2 + 2), 16),
  );
  return Buffer.from(bytes).toString('base64url');
}
