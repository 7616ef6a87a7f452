/**
 * Issue #14 §4, attribution that is verified, with the real clients (azure-devops-node-api's
 * endpointproxy call, Graph over fetch, msal-node) against the emulator. Three connections
 * without a record whose apps hold an expired password beside a valid one:
 *
 * - `stale` stores the EXPIRED secret; the valid one is another consumer's (inference said `ok`);
 * - `fine` stores the valid secret; the expired one is left over;
 * - `hidden` is like `stale`, but the job identity is only Reader of it (TestConnection needs User).
 *
 * The rotation organization's other connections hold no expired password (or carry a record), so
 * discovery must send exactly three TestConnection requests, one per connection above.
 */
import assert from 'node:assert/strict';
import { type Emulator, type OrgDescription, startEmulator } from '../../emulator';
import { emulatorRotator, ops } from './adapters-harness';
import {
  assertStoredSecretWorks,
  EmulatorDrivenClock,
  passwordKeyIds,
  RemovalWitness,
  resultOf,
  runRotation,
  storedKeyId,
} from './rotation-harness';
import {
  JOB_TOKEN,
  PROJECTS,
  ROTATION_START,
  ROTATOR_APP,
  ROTATOR_SECRET,
  rotationOrg,
  TENANT,
} from './rotation-org';

const guid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const APPS = {
  stale: { appId: guid('22000000', 11), objectId: guid('32000000', 11) },
  fine: { appId: guid('22000000', 12), objectId: guid('32000000', 12) },
  hidden: { appId: guid('22000000', 13), objectId: guid('32000000', 13) },
};
const CONNECTIONS = { stale: guid('c2000000', 11), fine: guid('c2000000', 12), hidden: guid('c2000000', 13) };
const KEYS = {
  staleExpired: guid('42000000', 11),
  staleValid: guid('42000000', 12),
  fineExpired: guid('42000000', 13),
  fineValid: guid('42000000', 14),
  hiddenExpired: guid('42000000', 15),
  hiddenValid: guid('42000000', 16),
};

type Application = NonNullable<OrgDescription['applications']>[number];

function org(): OrgDescription {
  const base = rotationOrg();
  const target = (name: keyof typeof APPS, n: number, expired: string, valid: string): Application => ({
    ...APPS[name],
    tenantId: TENANT,
    displayName: name,
    servicePrincipal: { objectId: guid('62000000', n) },
    owners: [ROTATOR_APP],
    passwordCredentials: [
      { keyId: expired, displayName: 'created by hand', startDaysAgo: 400, expiresInDays: -20 },
      { keyId: valid, displayName: 'nightly job', startDaysAgo: 30, expiresInDays: 400 },
    ],
  });
  const connection = (name: keyof typeof CONNECTIONS, stored: string) => ({
    id: CONNECTIONS[name],
    name,
    projects: ['Alpha'],
    scheme: 'ServicePrincipal',
    tenantId: TENANT,
    appId: APPS[name].appId,
    secret: { passwordKeyId: stored },
  });
  return {
    ...base,
    applications: [
      ...(base.applications ?? []),
      target('stale', 11, KEYS.staleExpired, KEYS.staleValid),
      target('fine', 12, KEYS.fineExpired, KEYS.fineValid),
      target('hidden', 13, KEYS.hiddenExpired, KEYS.hiddenValid),
    ],
    serviceConnections: [
      ...(base.serviceConnections ?? []),
      connection('stale', KEYS.staleExpired),
      connection('fine', KEYS.fineValid),
      { ...connection('hidden', KEYS.hiddenExpired), roles: { build: 'Reader' } },
    ],
  } as OrgDescription;
}

const IDENTITY = { tenantId: TENANT, appId: ROTATOR_APP, clientSecret: ROTATOR_SECRET, jobToken: JOB_TOKEN };

describe('verified attribution (real clients, issue #14 §4)', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('tests each connection whose app holds an expired secret once: verified expired, verified ok, unverifiable', async () => {
    emulator = await startEmulator({
      org: org(),
      caDir: process.env['SCR_EMULATOR_CA_DIR'],
      startTime: ROTATION_START,
    });
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const rotator = emulatorRotator(e, IDENTITY, { clock });

    const inventory = await rotator.discover();
    const tests = ops(e, 'devops.endpointproxy.execute');
    assert.deepEqual(
      tests.map((t) => `${t.status} ${new URL(t.path, 'https://x').searchParams.get('endpointId')}`).sort(),
      [`200 ${CONNECTIONS.stale}`, `200 ${CONNECTIONS.fine}`, `403 ${CONNECTIONS.hidden}`].sort(),
      'one TestConnection per connection beside an expired secret, and no other',
    );
    const byName = Object.fromEntries(inventory.connections.map((c) => [c.name, c]));

    // stale: inference said ok (the only valid password); Azure DevOps says the stored one is expired.
    const stale = byName['stale'];
    assert.ok(stale);
    assert.equal(stale.status, 'expired');
    assert.equal(stale.credential?.keyId, KEYS.staleExpired);
    assert.equal(stale.expiresAt, new Date(ROTATION_START.getTime() - 20 * 86_400_000).toISOString());
    assert.equal(stale.problem?.code, 'stored_secret_rejected');
    assert.equal(stale.problem?.actionRequired, true);
    assert.equal(
      stale.problem?.message,
      `TestConnection of "stale" fails: Entra ID refuses its stored secret as expired (AADSTS7000222). Application ${APPS.stale.appId} still holds the valid secret keyId ${KEYS.staleValid} ("nightly job"), valid until ${new Date(ROTATION_START.getTime() + 400 * 86_400_000).toISOString().slice(0, 10)}, but the connection does not use it.`,
    );
    assert.equal(stale.attributionCheck?.outcome, 'rejected');
    assert.match(
      stale.attributionCheck?.detail ?? '',
      /^TestConnection answered unauthorized: .*AADSTS7000222/,
    );

    // fine: the inference was right, and now it is known.
    const fine = byName['fine'];
    assert.ok(fine);
    assert.equal(fine.status, 'ok');
    assert.equal(fine.credential?.keyId, KEYS.fineValid);
    assert.equal(fine.credential?.attribution, 'inferred');
    assert.equal(fine.problem, null);
    assert.deepEqual(fine.attributionCheck, {
      outcome: 'verified',
      detail: 'Attribution verified: TestConnection of the stored details passes.',
    });

    // hidden: the identity is only Reader: today's inference, said to be unverified.
    const hidden = byName['hidden'];
    assert.ok(hidden);
    assert.equal(hidden.status, 'ok');
    assert.equal(hidden.credential?.keyId, KEYS.hiddenValid);
    assert.equal(hidden.problem, null);
    assert.equal(hidden.attributionCheck?.outcome, 'unverified');
    assert.equal(
      hidden.attributionCheck?.detail,
      `Attribution unverified: the rotator's identity may not run TestConnection on the connection (it needs the User role on it): devops.endpointproxy.execute failed: HTTP 403 AccessCheckException (service connection ${CONNECTIONS.hidden})`,
    );

    // Nothing else was tested: every other connection keeps its evaluation, without a check.
    for (const c of inventory.connections) {
      if (!['stale', 'fine', 'hidden'].includes(c.name)) assert.equal(c.attributionCheck, undefined, c.name);
    }
    assert.equal(
      PROJECTS.alpha,
      inventory.connections.find((c) => c.name === 'stale')?.projects[0]?.projectId,
    );
  });

  it('rotates the verified-expired connection in the same run and leaves the valid secret it does not use alone', async () => {
    emulator = await startEmulator({
      org: org(),
      caDir: process.env['SCR_EMULATOR_CA_DIR'],
      startTime: ROTATION_START,
    });
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);
    const run = await runRotation(e, {
      rotator: emulatorRotator(e, IDENTITY, { clock }),
      clock,
      names: ['stale', 'fine', 'hidden'],
      witness,
    });
    const entries = Object.fromEntries(run.plan.entries.map((p) => [p.connectionName, p]));
    assert.equal(entries['stale']?.action, 'rotate');
    assert.equal(entries['stale']?.rotate?.reason, 'stored_secret_rejected');
    assert.deepEqual(entries['stale']?.foreign, { keyId: KEYS.staleExpired, displayName: 'created by hand' });
    assert.equal(entries['fine']?.action, 'nothing');
    assert.equal(entries['hidden']?.action, 'nothing');

    const rotated = resultOf(run, CONNECTIONS.stale);
    assert.equal(rotated.action, 'rotated');
    assert.ok(rotated.newKeyId);
    assert.equal(storedKeyId(e, CONNECTIONS.stale), rotated.newKeyId);
    // Neither the other consumer's valid secret nor the expired one (not minted by us) was removed.
    assert.deepEqual(
      passwordKeyIds(e, APPS.stale.appId),
      [KEYS.staleExpired, KEYS.staleValid, rotated.newKeyId].sort(),
    );
    assert.deepEqual(witness.removals, []);
    await assertStoredSecretWorks(e, emulatorRotator(e, IDENTITY, { clock }), CONNECTIONS.stale);

    // The next run knows the secret from the record: nothing to verify, nothing to do.
    const before = ops(e, 'devops.endpointproxy.execute').length;
    const next = await rotator(e, clock).discover({ projects: '*', connections: 'stale' });
    assert.equal(next.connections[0]?.credential?.attribution, 'recorded');
    assert.equal(next.connections[0]?.status, 'ok');
    assert.equal(ops(e, 'devops.endpointproxy.execute').length, before);
  });
});

function rotator(e: Emulator, clock: EmulatorDrivenClock) {
  return emulatorRotator(e, IDENTITY, { clock });
}
