/**
 * Issue #15 with the real clients (azure-devops-node-api, Graph over fetch, msal-node) against the
 * emulator over HTTPS: a due certificate connection on an app shared with three unrelated
 * certificates is rotated to a new certificate by read–merge–write of `keyCredentials`; nothing
 * else on the app is ever removed; our old certificate goes only after the grace; `report` writes
 * nothing; a PATCH that loses a certificate is detected and undone; two runs at once end with one
 * working certificate.
 */
import assert from 'node:assert/strict';
import { type Emulator, startEmulator } from '../../emulator';
import { connect, type Rotator } from '../../lib';
import { parseCertificatePem } from '../../lib/auth/certificate';
import type { RotationPolicy } from '../../lib/rotation/policy';
import { parseRecord } from '../../lib/rotation/record';
import { EmulatorDrivenClock } from './adapters-harness';
import {
  APPS,
  CERT_START,
  CERTS,
  CONNECTIONS,
  certificateOrg,
  JOB_TOKEN,
  PROD_DESCRIPTION,
  ROTATOR_APP,
  ROTATOR_SECRET,
  TENANT,
  UNRELATED,
} from './certificate-org';

const HOUR = 3_600_000;

function rotatorFor(emulator: Emulator, policy: Partial<RotationPolicy> = {}): Rotator {
  return connect({
    organizationUrl: emulator.urls.organization,
    rotator: {
      tenantId: TENANT,
      appId: ROTATOR_APP,
      credential: { kind: 'secret', clientSecret: ROTATOR_SECRET },
    },
    devOps: { kind: 'bearer', token: JOB_TOKEN },
    graphUrl: emulator.urls.graph,
    authorityHost: emulator.urls.authorityHost,
    clock: new EmulatorDrivenClock(emulator),
    certificateConnections: 'rotate',
    ...policy,
  });
}

/** discover → plan → execute through the front door, masking into `masked`. */
async function run(rotator: Rotator, names: string, masked: string[] = []) {
  const inventory = await rotator.discover({ projects: '*', connections: names });
  const plan = rotator.plan(inventory);
  const results = await rotator.execute(plan, { mask: (s) => masked.push(s) });
  return { inventory, plan, results };
}

function keyIdsOf(emulator: Emulator, appId: string): string[] {
  const app = emulator.state.snapshot().applications.find((a) => a.appId === appId);
  assert.ok(app);
  return app.keyCredentials.map((k) => k.keyId.toLowerCase()).sort();
}

function storedCertificate(emulator: Emulator, connectionId: string) {
  const found = emulator.state.snapshot().serviceConnections.find((c) => c.id === connectionId);
  assert.ok(found);
  return found;
}

/** The connection's stored PEM signs in with msal-node and passes TestConnection (node-api). */
async function assertStoredCertificateWorks(emulator: Emulator, rotator: Rotator, connectionId: string) {
  const connection = emulator.state.connection(connectionId);
  assert.ok(connection);
  const stored = connection.confidential.get('servicePrincipalCertificate');
  assert.ok(stored?.kind === 'literal', 'the connection stores a certificate PEM written by the rotator');
  assert.match(
    stored.value,
    /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----/,
  );
  const parsed = parseCertificatePem(stored.value);
  await rotator.clients.prover.proveCertificate(TENANT, connection.parameters['serviceprincipalid'] ?? '', {
    thumbprintSha256: parsed.thumbprintSha256,
    privateKey: parsed.privateKey,
  });
  const test = await rotator.clients.devops.test(
    connection.projectReferences[0]?.projectId ?? '',
    connectionId,
  );
  assert.deepEqual(test, { ok: true, statusCode: 'ok', message: '' });
}

function graphWrites(emulator: Emulator, fromSeq = 0) {
  return emulator.requests().filter((e) => e.seq >= fromSeq && e.service === 'graph' && e.write);
}

describe('rotating certificate connections (real clients)', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  const start = async (propagationDelayMs = 0) => {
    emulator = await startEmulator({
      org: certificateOrg(),
      caDir: process.env['SCR_EMULATOR_CA_DIR'],
      startTime: CERT_START,
      propagationDelayMs,
    });
    return emulator;
  };

  it('rotates to a new certificate, keeps the three unrelated ones, retires ours only after the grace', async () => {
    const e = await start(8_000);
    const before = keyIdsOf(e, APPS.shared.appId);
    const masked: string[] = [];
    const first = await run(rotatorFor(e), 'cert-prod', masked);
    const [result] = first.results;
    assert.equal(first.plan.entries[0]?.credentialKind, 'certificate');
    assert.equal(first.plan.entries[0]?.rotate?.reason, 'expiring');
    assert.equal(result?.action, 'rotated', JSON.stringify(result?.error));
    const newKeyId = result.newKeyId!;
    // Every certificate that was there is still there, ours added; the old one of ours stays (grace).
    assert.deepEqual(keyIdsOf(e, APPS.shared.appId), [...before, newKeyId].sort());
    for (const unrelated of UNRELATED) assert.ok(keyIdsOf(e, APPS.shared.appId).includes(unrelated));
    const stored = storedCertificate(e, CONNECTIONS.prod);
    assert.deepEqual(stored.secret, { kind: 'certificate', keyId: newKeyId });
    const record = parseRecord(stored.description);
    assert.equal(record?.keyId, newKeyId);
    assert.ok(stored.description.startsWith(PROD_DESCRIPTION));
    // The new keyCredential carries our marker and the certificate's validity (180 days).
    const added = e.state.application(APPS.shared.appId)?.keyCredentials.find((k) => k.keyId === newKeyId);
    assert.match(added?.displayName ?? '', new RegExp(`^sc-rotator ${CONNECTIONS.prod} \\d{4}-`));
    assert.equal(result.newExpiresAt, added?.endDateTime.toISOString());
    await assertStoredCertificateWorks(e, rotatorFor(e), CONNECTIONS.prod);
    // The private key was masked before anything else saw it, and no result carries it.
    const key = e.state.connection(CONNECTIONS.prod)?.confidential.get('servicePrincipalCertificate');
    assert.ok(key?.kind === 'literal');
    const keyBlock = key.value.slice(key.value.indexOf('-----BEGIN PRIVATE KEY-----'));
    const keyLines = keyBlock.split('\n').filter((l) => l && !l.startsWith('-----'));
    assert.ok(keyLines.length > 20);
    for (const line of keyLines) assert.ok(masked.includes(line), 'each line of the key body is masked');
    const reported = JSON.stringify(first);
    for (const line of keyLines)
      assert.ok(!reported.includes(line), 'no key line in the inventory, plan or results');
    // The writes: one PATCH adding ours; reads of keyCredentials before and after it.
    assert.deepEqual(
      graphWrites(e).map((w) => `${w.operation} ${w.status}`),
      ['graph.applications.update 204'],
    );

    // 23 h 59 min after the switch: nothing to do, C0 kept.
    const installedAt = Date.parse(record!.installedAt);
    e.clock.set(new Date(installedAt + 24 * HOUR - 60_000));
    const early = await run(rotatorFor(e), 'cert-prod');
    assert.equal(early.plan.entries[0]?.action, 'nothing');
    assert.ok(keyIdsOf(e, APPS.shared.appId).includes(CERTS.c0));

    // 24 h after: C0, and only C0, is removed by another read–merge–write.
    e.clock.set(new Date(installedAt + 24 * HOUR));
    const seq = (e.requests().at(-1)?.seq ?? 0) + 1;
    const due = await run(rotatorFor(e), 'cert-prod');
    assert.deepEqual(due.plan.entries[0]?.retire, [CERTS.c0]);
    assert.equal(due.results[0]?.action, 'retired');
    assert.deepEqual(keyIdsOf(e, APPS.shared.appId), [...UNRELATED, newKeyId].sort());
    assert.deepEqual(
      e
        .requests()
        .filter(
          (r) => r.seq >= seq && r.operation.startsWith('graph.applications.') && r.batchSeq === undefined,
        )
        .map((r) => `${r.method} ${r.operation} ${r.status}`),
      [
        'GET graph.applications.get 200',
        'PATCH graph.applications.update 204',
        'GET graph.applications.get 200',
      ],
    );
    await assertStoredCertificateWorks(e, rotatorFor(e), CONNECTIONS.prod);
  });

  it('writes nothing in report mode and reports the certificate expiry', async () => {
    const e = await start();
    const rotator = rotatorFor(e, { certificateConnections: 'report' });
    const done = await run(rotator, '*');
    assert.deepEqual(
      done.plan.entries.map((p) => [p.connectionName, p.action, p.skip?.code]),
      [
        ['cert-hand', 'skip', 'certificate'],
        ['cert-prod', 'skip', 'certificate'],
      ],
    );
    assert.deepEqual(graphWrites(e), []);
    assert.equal(e.requests().filter((r) => r.service === 'devops' && r.method === 'PUT').length, 0);
    const prod = done.inventory.connections.find((c) => c.id === CONNECTIONS.prod);
    assert.equal(prod?.credential?.keyId, CERTS.c0);
    assert.equal(prod?.credential?.attribution, 'recorded');
    // Seeded 10 days from the start; the emulator clock has run on a little since.
    assert.equal(prod?.daysLeft, 9);
  });

  it('detects a PATCH that drops a certificate, puts it back, and fails the connection with nothing else changed', async () => {
    const e = await start();
    const before = keyIdsOf(e, APPS.shared.appId);
    const descriptionBefore = storedCertificate(e, CONNECTIONS.prod).description;
    e.faults.add({ service: 'graph', operation: 'graph.applications.update', kind: 'drop_key', times: 1 });
    const seq = (e.requests().at(-1)?.seq ?? 0) + 1;
    const done = await run(rotatorFor(e), 'cert-prod');
    const [result] = done.results;
    assert.equal(result?.action, 'failed');
    assert.equal(result.error?.code, 'graph.key_credentials_lost');
    assert.match(
      result.error?.message ?? '',
      new RegExp(
        `removed certificate\\(s\\) ${CERTS.c0} that had to be kept; they were put back as they were`,
      ),
    );
    assert.deepEqual(keyIdsOf(e, APPS.shared.appId), before);
    assert.deepEqual(storedCertificate(e, CONNECTIONS.prod).secret, { kind: 'certificate', keyId: CERTS.c0 });
    assert.equal(storedCertificate(e, CONNECTIONS.prod).description, descriptionBefore);
    // Read, PATCH (loses C0), read (sees it), PATCH back, read; then the removal of ours finds it gone.
    assert.deepEqual(
      e
        .requests()
        .filter(
          (r) => r.seq >= seq && r.operation.startsWith('graph.applications.') && r.batchSeq === undefined,
        )
        .map((r) => `${r.method} ${r.operation} ${r.status}`),
      [
        'GET graph.applications.get 200',
        'PATCH graph.applications.update 204',
        'GET graph.applications.get 200',
        'PATCH graph.applications.update 204',
        'GET graph.applications.get 200',
        'GET graph.applications.get 200',
      ],
    );
    assert.equal(
      e.requests().filter((r) => r.seq >= seq && r.service === 'devops' && r.method === 'PUT').length,
      0,
    );
    // The connection still signs in with the certificate it had (C0 is back).
    const material = await e.state.keyCredentialCertificate(APPS.shared.appId, CERTS.c0);
    await rotatorFor(e).clients.prover.proveCertificate(TENANT, APPS.shared.appId, {
      thumbprintSha256: material.thumbprintSha256,
      privateKey: material.privateKeyPem,
    });
  });

  it('two runs at once end with one working certificate and no one else’s removed', async () => {
    const e = await start(3_000);
    const [a, b] = await Promise.all([run(rotatorFor(e), 'cert-prod'), run(rotatorFor(e), 'cert-prod')]);
    const actions = [a.results[0]?.action, b.results[0]?.action].sort();
    for (const r of [a.results[0], b.results[0]]) {
      assert.ok(['rotated', 'race_lost', 'failed'].includes(r?.action ?? ''), r?.action);
      assert.notEqual(r?.error?.code, 'graph.key_credentials_lost');
    }
    assert.ok(actions.includes('rotated'), JSON.stringify([a.results, b.results]));
    const record = parseRecord(storedCertificate(e, CONNECTIONS.prod).description);
    const keys = keyIdsOf(e, APPS.shared.appId);
    for (const kept of [...UNRELATED, CERTS.c0])
      assert.ok(keys.includes(kept), `${kept} is still on the app`);
    assert.ok(record && keys.includes(record.keyId));
    assert.deepEqual(storedCertificate(e, CONNECTIONS.prod).secret, {
      kind: 'certificate',
      keyId: record.keyId,
    });
    await assertStoredCertificateWorks(e, rotatorFor(e), CONNECTIONS.prod);
    // At most one new certificate of ours is left besides the one in use: the loser's, if its
    // removal lost the race too (a later run removes it as an orphan).
    const ours = keys.filter((k) => ![...UNRELATED, CERTS.c0].includes(k));
    assert.ok(ours.includes(record.keyId));
    assert.ok(ours.length <= 2, JSON.stringify(ours));
  });
});
