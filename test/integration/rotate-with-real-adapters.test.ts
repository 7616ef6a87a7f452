/**
 * Issue #4: the rotation executor with the adapters `connect()` wires, against the emulator. One
 * connection (`web`, a hand-made secret 5 days from expiry next to a foreign one) rotated end to
 * end: the proof comes before the switch, the stored secret is the new one and gets a token, and
 * when the switch fails the new password is removed and the old secret keeps working.
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { MS_PER_DAY } from '../../lib/clock';
import { parseMarker } from '../../lib/rotation/marker';
import {
  assertStoredSecretWorks,
  connectRotator,
  EmulatorDrivenClock,
  passwordKeyIds,
  passwordsOf,
  RemovalWitness,
  recordOf,
  resultOf,
  runRotation,
  sequence,
  startRotationEmulator,
  storedKeyId,
} from './rotation-harness';
import { APPS, CONNECTIONS, KEYS, WEB_DESCRIPTION } from './rotation-org';

/** The rotation part of a successful run, request by request. */
const ROTATION_SEQUENCE = [
  'graph.applications.addPassword 200', // mint
  'entra.token 200', // prove the credential
  'devops.endpoints.get 200', // prove the connection: read it ...
  'devops.endpointproxy.execute 200', // ... and TestConnection with the new secret
  'devops.endpoints.get 200', // switch: read it once more (the record it replaces) ...
  'devops.endpoints.update 200', // ... and PUT
  'devops.endpoints.get 200', // confirm: the record is there ...
  'devops.endpointproxy.execute 200', // ... and the stored details pass TestConnection
];

describe('rotating one connection with the real adapters', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  async function setUp(propagationDelayMs = 0) {
    emulator = await startRotationEmulator({ propagationDelayMs });
    const clock = new EmulatorDrivenClock(emulator);
    const clients = connectRotator(emulator, clock);
    const witness = new RemovalWitness(emulator);
    return { emulator, clock, clients, witness };
  }

  const untouchedWebPasswords = (e: Emulator) =>
    passwordsOf(e, APPS.web.appId).filter((p) => p.keyId === KEYS.webHand || p.keyId === KEYS.webForeign);

  it('mints once, proves the secret before the switch, stores it with its record, and leaves the other passwords', async () => {
    const { emulator, clock, clients, witness } = await setUp();
    const before = untouchedWebPasswords(emulator);
    const masked: string[] = [];

    const run = await runRotation(emulator, { rotator: clients, clock, names: ['web'], witness, masked });

    const result = resultOf(run, CONNECTIONS.web);
    assert.equal(run.plan.entries[0]?.rotate?.reason, 'expiring');
    assert.equal(result.action, 'rotated');
    assert.equal(result.error, null);
    assert.deepEqual(result.removedKeyIds, []);
    const newKeyId = result.newKeyId;
    assert.ok(newKeyId);
    assert.deepEqual(sequence(run.executionLog), ROTATION_SEQUENCE);
    const writes = run.executionLog.filter((e) => e.write);
    assert.deepEqual(
      writes.map((e) => e.operation),
      ['graph.applications.addPassword', 'devops.endpoints.update'],
    );
    // The proof is the web app's own token (client_id = its appId), strictly before the PUT.
    const proof = run.executionLog.find((e) => e.operation === 'entra.token');
    const put = run.executionLog.find((e) => e.operation === 'devops.endpoints.update');
    assert.equal(proof?.caller, APPS.web.appId);
    assert.ok(proof && put && proof.seq < put.seq);

    // The connection stores the new password, records it, and keeps the user's description.
    assert.equal(storedKeyId(emulator, CONNECTIONS.web), newKeyId);
    const record = recordOf(emulator, CONNECTIONS.web);
    assert.equal(record?.keyId, newKeyId);
    assert.match(record?.installedAt ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.ok(
      emulator.state.connection(CONNECTIONS.web)?.description.startsWith(`${WEB_DESCRIPTION}\n[sc-rotator: `),
    );
    // The new password carries our marker for this connection and lives secretLifetimeDays (180).
    const minted = passwordsOf(emulator, APPS.web.appId).find((p) => p.keyId === newKeyId);
    assert.equal(parseMarker(minted?.displayName)?.connectionId, CONNECTIONS.web);
    const lifetimeDays =
      (Date.parse(minted?.endDateTime ?? '') - Date.parse(parseMarker(minted?.displayName)?.mintedAt ?? '')) /
      MS_PER_DAY;
    assert.equal(lifetimeDays, 180);
    assert.equal(result.newExpiresAt, minted?.endDateTime);
    // The hand-made secret in use before and the foreign one are untouched.
    assert.deepEqual(untouchedWebPasswords(emulator), before);
    assert.equal(passwordsOf(emulator, APPS.web.appId).length, 3);
    assert.equal(witness.removals.length, 0);
    // Exactly one secret was masked: the new one, which is what the connection stores.
    assert.equal(masked.length, 1);
    const stored = emulator.state.connection(CONNECTIONS.web)?.confidential.get('serviceprincipalkey');
    assert.ok(
      stored?.kind === 'literal' && stored.value === masked[0],
      'the masked secret is the stored one',
    );

    await assertStoredSecretWorks(emulator, clients, CONNECTIONS.web);
  });

  it('waits out a 10 s propagation delay (emulator time) and switches only after the proof', async () => {
    const { emulator, clock, clients, witness } = await setUp(10_000);
    const started = Date.now();

    const run = await runRotation(emulator, { rotator: clients, clock, names: ['web'], witness });

    assert.equal(resultOf(run, CONNECTIONS.web).action, 'rotated');
    const newKeyId = resultOf(run, CONNECTIONS.web).newKeyId;
    const tokens = run.executionLog.filter((e) => e.operation === 'entra.token');
    const statuses = tokens.map((e) => e.status);
    assert.ok(statuses.length >= 2, `retried while the secret propagated: ${statuses}`);
    assert.deepEqual(statuses, [...statuses.slice(0, -1).map(() => 401), 200]);
    const mint = run.executionLog.find((e) => e.operation === 'graph.applications.addPassword');
    const accepted = tokens.at(-1);
    assert.ok(mint && accepted);
    assert.ok(
      Date.parse(accepted.time) - Date.parse(mint.time) >= 10_000,
      'the token came only once the secret had propagated (emulator time)',
    );
    // Nothing touched the connection before the proof; the PUT came after it.
    const put = run.executionLog.find((e) => e.operation === 'devops.endpoints.update');
    assert.ok(put && accepted.seq < put.seq);
    assert.ok(
      run.executionLog.filter((e) => e.seq < accepted.seq).every((e) => !e.operation.startsWith('devops.')),
    );
    assert.deepEqual(
      sequence(run.executionLog.filter((e) => e.seq > accepted.seq)),
      ROTATION_SEQUENCE.slice(2),
    );
    // The waits were the library's sleeps moving emulator time, not real time.
    assert.ok(clock.sleeps.reduce((a, b) => a + b, 0) >= 10_000);
    // Waiting for real would take 10 s or more; the margin below that is for a loaded machine.
    assert.ok(Date.now() - started < 9_500, 'a 10 s propagation takes no real 10 s');
    assert.equal(storedKeyId(emulator, CONNECTIONS.web), newKeyId);
    await assertStoredSecretWorks(emulator, clients, CONNECTIONS.web);
  });

  for (const failure of [
    { name: 'a 400 refusal', status: 400, puts: 1, readsBack: 0 },
    { name: 'a persistent 500', status: 500, puts: 6, readsBack: 2 },
  ]) {
    it(`removes the new password and keeps the old secret working when the switch meets ${failure.name}`, async () => {
      const { emulator, clock, clients, witness } = await setUp();
      emulator.faults.add({ operation: 'devops.endpoints.update', kind: 'status', status: failure.status });
      const passwordsBefore = passwordsOf(emulator, APPS.web.appId);
      const descriptionBefore = emulator.state.connection(CONNECTIONS.web)?.description;

      const run = await runRotation(emulator, { rotator: clients, clock, names: ['web'], witness });

      const result = resultOf(run, CONNECTIONS.web);
      assert.equal(result.action, 'failed');
      const newKeyId = result.newKeyId;
      assert.ok(newKeyId);
      assert.deepEqual(result.removedKeyIds, [newKeyId]);
      assert.match(result.error?.message ?? '', /Switching the connection to the new password failed/);
      assert.match(result.error?.message ?? '', /was removed; the connection keeps its previous secret/);
      assert.deepEqual(sequence(run.executionLog), [
        ...ROTATION_SEQUENCE.slice(0, 5), // up to the read before the PUT
        ...Array.from({ length: failure.puts }, () => `devops.endpoints.update ${failure.status}`),
        // After an ambiguous answer the connection is read back twice before giving up.
        ...Array.from({ length: failure.readsBack }, () => 'devops.endpoints.get 200'),
        'graph.applications.removePassword 204',
      ]);
      assert.deepEqual(
        witness.removals.map((r) => r.keyId),
        [newKeyId],
      );
      witness.assertNoSecretInUseRevoked();
      // Back to exactly what it was: same passwords, same stored secret, no record.
      assert.deepEqual(passwordsOf(emulator, APPS.web.appId), passwordsBefore);
      assert.equal(storedKeyId(emulator, CONNECTIONS.web), KEYS.webHand);
      assert.equal(emulator.state.connection(CONNECTIONS.web)?.description, descriptionBefore);
      emulator.faults.clear();
      await assertStoredSecretWorks(emulator, clients, CONNECTIONS.web);
    });
  }

  it('waits out throttling and concurrency refusals on every step without minting twice', async () => {
    const { emulator, clock, clients, witness } = await setUp();
    const before = passwordKeyIds(emulator, APPS.prod.appId);
    const rules = [
      { operation: 'graph.applications.addPassword', kind: 'throttle', times: 2, retryAfterSeconds: 3 },
      { operation: 'graph.applications.addPassword', kind: 'concurrency', times: 1 },
      { operation: 'entra.token', kind: 'unavailable', times: 1, match: { appId: APPS.prod.appId } },
      { operation: 'devops.endpoints.get', kind: 'throttle', times: 1 },
      { operation: 'devops.endpointproxy.execute', kind: 'unavailable', times: 1 },
      { operation: 'devops.endpoints.update', kind: 'throttle', times: 2, retryAfterMs: 1500 },
      { operation: 'graph.applications.removePassword', kind: 'throttle', times: 1 },
    ] as const;
    for (const rule of rules) emulator.faults.add(rule);

    const run = await runRotation(emulator, { rotator: clients, clock, names: ['prod'], witness });

    const result = resultOf(run, CONNECTIONS.prod);
    assert.equal(result.action, 'rotated');
    assert.equal(result.error, null);
    assert.deepEqual(result.removedKeyIds, [KEYS.prodOld]);
    const statuses = (operation: string) =>
      run.executionLog.filter((e) => e.operation === operation).map((e) => e.status);
    assert.deepEqual(statuses('graph.applications.addPassword'), [429, 429, 409, 200]);
    assert.deepEqual(statuses('devops.endpoints.update'), [429, 429, 200]);
    assert.deepEqual(statuses('graph.applications.removePassword'), [429, 204]);
    assert.deepEqual(
      run.executionLog
        .filter((e) => e.operation === 'entra.token' && e.caller === APPS.prod.appId)
        .map((e) => e.status),
      [503, 200],
    );
    // Exactly one password minted: R_OLD went, the new one came, nothing else changed.
    assert.deepEqual(
      passwordKeyIds(emulator, APPS.prod.appId),
      [...before.filter((k) => k !== KEYS.prodOld), result.newKeyId].sort(),
    );
    assert.ok(clock.sleeps.includes(3000) && clock.sleeps.includes(1500));
    witness.assertNoSecretInUseRevoked();
    await assertStoredSecretWorks(emulator, clients, CONNECTIONS.prod);
  });

  it('keeps the new password when the switch landed but every answer was a 500: it reads the record back', async () => {
    const { emulator, clock, clients, witness } = await setUp();
    emulator.faults.add({
      operation: 'devops.endpoints.update',
      kind: 'status',
      status: 500,
      afterEffect: true,
    });

    const run = await runRotation(emulator, { rotator: clients, clock, names: ['web'], witness });

    const result = resultOf(run, CONNECTIONS.web);
    assert.equal(result.action, 'rotated');
    assert.equal(result.error, null);
    assert.deepEqual(result.removedKeyIds, []);
    assert.deepEqual(sequence(run.executionLog), [
      ...ROTATION_SEQUENCE.slice(0, 5), // up to the read before the PUT
      ...Array.from({ length: 6 }, () => 'devops.endpoints.update 500'),
      'devops.endpoints.get 200', // did it land? yes: our record is there
      ...ROTATION_SEQUENCE.slice(6),
    ]);
    assert.equal(storedKeyId(emulator, CONNECTIONS.web), result.newKeyId);
    assert.equal(recordOf(emulator, CONNECTIONS.web)?.keyId, result.newKeyId);
    assert.equal(witness.removals.length, 0);
    emulator.faults.clear();
    await assertStoredSecretWorks(emulator, clients, CONNECTIONS.web);
  });
});
