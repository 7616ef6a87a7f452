/**
 * Crash matrix rows for certificate connections (issue #15, spec §5.2 and §9): the bundled task
 * rotating `cert-deploy` (certificateConnections: rotate) is SIGKILLed at the step boundaries of
 * the certificate protocol, including right after the keyCredentials PATCH took effect unseen,
 * then run again at once, an hour later (past the orphan guard) and a day later (past the grace).
 * After every run:
 * - the connection's stored certificate is on the app, signs in (msal-node), and the record names it;
 * - the three certificates of other consumers are all still on the app;
 * - certificates of ours are only the one in use, orphans younger than the guard, and ones
 *   superseded within the grace.
 * A day later only the recorded certificate of ours is left, and a further run writes nothing.
 */
import assert from 'node:assert/strict';
import type { Emulator, FaultRuleInput, LoggedRequest } from '../../emulator';
import { parseCertificatePem } from '../../lib/auth/certificate';
import { graphScope } from '../../lib/auth/clouds';
import { MsalCredentialProver } from '../../lib/auth/credential-prover';
import { MS_PER_HOUR, systemClock } from '../../lib/clock';
import { parseMarker } from '../../lib/rotation/marker';
import { parseRecord } from '../../lib/rotation/record';
import { stagedTaskDir, startFor } from '../task/task-harness';
import {
  CERT_APP,
  CERT_CONNECTION,
  CERTS,
  certificateCrashOrg,
  UNRELATED_CERTS,
} from './support/certificate-crash-org';
import { TENANT } from './support/crash-org';
import { FULL } from './support/mode';
import { survived } from './support/table';
import { outputsOf, type ReliabilityRun, runTaskJob } from './support/task-runs';

const SECTION = 'crash matrix';
const MINUTE = 60_000;

interface CrashPoint {
  label: string;
  how: string;
  /** Whether the switching PUT had landed when the task died. */
  switched: boolean;
  fast: boolean;
  killWhen?: (line: string) => boolean;
  killOnRequest?: () => (entry: LoggedRequest) => boolean;
  holds?: FaultRuleInput[];
}

function hold(operation: string, match: NonNullable<FaultRuleInput['match']>): FaultRuleInput[] {
  return [
    { operation, match, kind: 'delay', delayMs: 30_000 },
    { operation, match, kind: 'reset' },
  ];
}

const stepLine = (step: string) => (line: string) =>
  line.startsWith('##vso[task.debug]') && line.includes(`"${CERT_CONNECTION.name}" ${step}: `);

const nthPatch = (n: number) => () => {
  let seen = 0;
  return (e: LoggedRequest) =>
    e.operation === 'graph.applications.update' &&
    e.path.includes(CERT_APP.objectId) &&
    e.status === 204 &&
    ++seen === n;
};

const POINTS: readonly CrashPoint[] = [
  {
    label: 'after the keyCredentials PATCH',
    how: 'emulator hook: the PATCH adding ours answered 204, unseen by the task (before its read-back)',
    switched: false,
    fast: true,
    killOnRequest: nthPatch(1),
  },
  {
    label: 'after certificate mint',
    how: 'task line "mint"; the first token request held',
    switched: false,
    fast: false,
    killWhen: stepLine('mint'),
    holds: hold('entra.token', { appId: CERT_APP.appId }),
  },
  {
    label: 'after certificate connection proof',
    how: 'task line "prove_connection"; the PUT held (never lands)',
    switched: false,
    fast: false,
    killWhen: stepLine('prove_connection'),
    holds: hold('devops.endpoints.update', { connectionId: CERT_CONNECTION.id }),
  },
  {
    label: 'after certificate PUT',
    how: 'emulator hook: the switching PUT answered 200, unseen by the task',
    switched: true,
    fast: true,
    killOnRequest: () => (e) =>
      e.operation === 'devops.endpoints.update' && e.path.includes(CERT_CONNECTION.id) && e.status === 200,
  },
  {
    label: 'during certificate retire',
    how: 'emulator hook: the first of two removing PATCHes answered 204',
    switched: true,
    fast: false,
    killOnRequest: nthPatch(2),
  },
];

const INPUTS = {
  action: 'rotate',
  projects: 'Platform',
  connections: CERT_CONNECTION.name,
  certificateConnections: 'rotate',
  revokeAfterHours: '24',
};

function keyCredentials(e: Emulator) {
  return e.state.application(CERT_APP.appId)?.keyCredentials ?? [];
}

/** keyIds of our certificates for the connection (by marker), lower case. */
function ours(e: Emulator): string[] {
  return keyCredentials(e)
    .filter((k) => parseMarker(k.displayName)?.connectionId === CERT_CONNECTION.id)
    .map((k) => k.keyId.toLowerCase());
}

/** keyId of the certificate the connection stores now. */
function storedKeyId(e: Emulator): string | null {
  const secret = e.state.snapshot().serviceConnections.find((c) => c.id === CERT_CONNECTION.id)?.secret;
  return secret?.kind === 'certificate' ? secret.keyId : null;
}

/** The stored certificate signs in; it and the unrelated ones are on the app; the record names it. */
async function check(e: Emulator, when: string): Promise<void> {
  const keys = keyCredentials(e).map((k) => k.keyId.toLowerCase());
  for (const unrelated of UNRELATED_CERTS) assert.ok(keys.includes(unrelated), `${when}: ${unrelated} kept`);
  const stored = storedKeyId(e);
  assert.ok(stored && keys.includes(stored), `${when}: the stored certificate is on the app`);
  const connection = e.state.connection(CERT_CONNECTION.id)!;
  assert.equal(parseRecord(connection.description)?.keyId, stored, `${when}: the record names it`);
  const secret = connection.confidential.get('servicePrincipalCertificate');
  let proof: { thumbprintSha256: string; privateKey: string };
  if (secret?.kind === 'literal') {
    const parsed = parseCertificatePem(secret.value);
    proof = { thumbprintSha256: parsed.thumbprintSha256, privateKey: parsed.privateKey };
  } else {
    const material = await e.state.keyCredentialCertificate(CERT_APP.appId, stored);
    proof = { thumbprintSha256: material.thumbprintSha256, privateKey: material.privateKeyPem };
  }
  const prover = new MsalCredentialProver({
    authorityHost: e.urls.authorityHost,
    scope: graphScope(e.urls.graph),
    clock: systemClock,
    budgetMs: 5_000,
  });
  await prover.proveCertificate(TENANT, CERT_APP.appId, proof);
}

function assertCompleted(run: ReliabilityRun): void {
  assert.ok(!run.crashed && run.result !== null, 'the run completed');
  assert.notEqual(run.result, 'Failed', run.resultMessage ?? '');
  assert.equal(outputsOf(run).FailedCount, '0', run.resultMessage ?? '');
}

describe('reliability: the bundled task killed at every step of a certificate rotation', function () {
  this.timeout(300_000);
  let emulator: Emulator | undefined;

  before(() => {
    stagedTaskDir();
  });

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  for (const point of POINTS) {
    if (!FULL && !point.fast) continue;
    it(`converges after a crash ${point.label} (certificate)`, async () => {
      const startMs = Date.now();
      const org = certificateCrashOrg(startMs);
      const e = await startFor(org, { startTime: new Date(startMs) });
      emulator = e;
      const run = (extra: Partial<Parameters<typeof runTaskJob>[0]> = {}) =>
        runTaskJob({ section: SECTION, emulator: e, org, inputs: INPUTS, timeoutMs: 90_000, ...extra });
      const before = new Set(ours(e));

      const holds = (point.holds ?? []).map((rule) => e.faults.add(rule).id);
      const crash = await run({
        ...(point.killWhen ? { killWhen: point.killWhen } : {}),
        ...(point.killOnRequest ? { killOnRequest: point.killOnRequest() } : {}),
      });
      for (const id of holds) e.faults.remove(id);
      assert.ok(crash.crashed, `killed at the crash point (result ${crash.result}: ${crash.resultMessage})`);
      assert.equal(crash.result, null, 'the task never completed');

      // It died where intended.
      const minted = ours(e).filter((k) => !before.has(k));
      assert.equal(minted.length, 1, 'the crashed run added one certificate for the connection');
      const newKey = minted[0]!;
      assert.equal(storedKeyId(e), point.switched ? newKey : CERTS.c2);
      const left = [CERTS.c0, CERTS.c1].filter((k) => ours(e).includes(k));
      assert.equal(left.length, point.label === 'during certificate retire' ? 1 : 2, 'retired so far');
      await check(e, 'right after the crash');

      // At once: finishes the work; an orphan younger than the guard is kept.
      assertCompleted(await run());
      if (!point.switched) assert.ok(ours(e).includes(newKey), 'the young orphan is kept');
      await check(e, 'after a run at once');

      // An hour later: the orphan is gone.
      e.clock.advance(61 * MINUTE);
      assertCompleted(await run());
      if (!point.switched) assert.ok(!ours(e).includes(newKey), 'the orphan of the crashed run is removed');
      await check(e, 'after a run an hour later');

      // A day later: past the grace, only the certificate in use is left of ours.
      e.clock.advance(25 * MS_PER_HOUR);
      assertCompleted(await run());
      await check(e, 'after a run a day later');
      assert.deepEqual(ours(e), [storedKeyId(e)], 'only the certificate in use is left of ours');
      assert.deepEqual(
        keyCredentials(e)
          .map((k) => k.keyId.toLowerCase())
          .filter((k) => !ours(e).includes(k))
          .sort(),
        [...UNRELATED_CERTS].sort(),
      );

      // Nothing due, nothing to retire: not one write.
      e.clearRequests();
      assertCompleted(await run());
      assert.deepEqual(
        e.requests().filter((r) => r.write),
        [],
        'a converged app is not written to',
      );
      survived(
        SECTION,
        `${point.label} × certificate`,
        `kill: ${point.how}; then runs at once, +61 min, +1 day, again: converged, 3 unrelated certificates kept`,
      );
    });
  }
});
