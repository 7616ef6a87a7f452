/**
 * Two task runs at once on the same organization (spec §5.2): one with the job token, one with a
 * PAT, both with `revokeAfterHours: 0` (retire as early as allowed) and a propagation delay that
 * keeps them in each other's way. While they run, every removal is checked against what every
 * connection stores at that moment; afterwards every connection has one working secret, named by
 * its record; a run an hour later cleans up what the race left and the organization converges.
 * The full run repeats this with the second run started at several offsets.
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { stagedTaskDir, startFor } from '../task/task-harness';
import { CredentialWitness } from './support/credential-witness';
import { assertInvariants, productPasswords } from './support/invariants';
import { sized } from './support/mode';
import { smallOrg } from './support/small-org';
import { survived } from './support/table';
import { type ReliabilityRun, runTaskJob } from './support/task-runs';

const SECTION = 'concurrency';
const MINUTE = 60_000;

const SPECS = [
  { name: 'web', app: 'app-web', daysLeft: 10 },
  { name: 'api', app: 'app-api', daysLeft: 3 },
  { name: 'jobs', app: 'app-jobs', daysLeft: -1 },
  { name: 'shared-1', app: 'app-shared', daysLeft: 7 },
  { name: 'shared-2', app: 'app-shared', daysLeft: 25 },
  { name: 'auto-1', app: 'app-auto-1', daysLeft: 9, creationMode: 'Automatic' as const },
  { name: 'auto-2', app: 'app-auto-2', daysLeft: 2, creationMode: 'Automatic' as const },
  { name: 'quiet', app: 'app-quiet', daysLeft: 300 },
];
const ROTATED = SPECS.filter((s) => s.daysLeft <= 30).map((s) => s.name);

const INPUTS = {
  action: 'rotate',
  projects: 'Platform',
  connections: '*',
  automaticConnections: 'takeOver',
  revokeAfterHours: '0',
};

describe('reliability: two task runs at once on the same organization', function () {
  this.timeout(240_000);
  let emulator: Emulator | undefined;
  let witness: CredentialWitness | undefined;

  before(() => {
    stagedTaskDir();
  });

  afterEach(async () => {
    witness?.stop();
    await emulator?.close();
    emulator = undefined;
  });

  for (const offsetMs of sized([150], [0, 150, 700, 2500])) {
    it(`both runs finish, every connection ends with one working recorded secret (second run +${offsetMs} ms)`, async () => {
      const small = smallOrg(SPECS);
      const { org, ids, pat } = small;
      const e = await startFor(org, { propagationDelayMs: 3000, latencyMs: 5, seed: 7 + offsetMs });
      emulator = e;
      // Uneven answers so the two runs' switches and confirmations interleave differently.
      for (const operation of [
        'devops.endpoints.get',
        'devops.endpointproxy.execute',
        'devops.endpoints.update',
      ]) {
        e.faults.add({ service: 'devops', operation, kind: 'delay', delayMs: 400, probability: 0.4 });
      }
      const w = new CredentialWitness(e);
      witness = w;

      const runA = runTaskJob({ section: SECTION, emulator: e, org, inputs: INPUTS });
      await new Promise((resolve) => setTimeout(resolve, offsetMs));
      const runB = runTaskJob({
        section: SECTION,
        emulator: e,
        org,
        inputs: { ...INPUTS, devOpsAuthentication: 'personalAccessToken', personalAccessToken: pat },
        extraSecrets: [pat],
      });
      const [a, b] = await Promise.all([runA, runB]);
      e.faults.clear();
      e.faults.propagationDelayMs = 0;

      assert.deepEqual(w.violations, [], 'nothing in use was revoked, at any moment');
      const outcomes: Record<string, number> = {};
      for (const [label, run] of [
        ['A', a],
        ['B', b],
      ] as const) {
        assertFinished(run, label);
        for (const name of ROTATED) {
          const row = run.report!.connections.find((c) => c.name === name)!;
          assert.ok(
            ['rotated', 'race_lost', 'none'].includes(row.action),
            `${label} ${name}: ${row.action} ${row.detail}`,
          );
          outcomes[row.action] = (outcomes[row.action] ?? 0) + 1;
        }
      }
      for (const name of ROTATED) {
        const actions = [a, b].map((r) => r.report!.connections.find((c) => c.name === name)!.action);
        assert.ok(actions.includes('rotated'), `${name} was rotated by at least one run (${actions})`);
      }
      const all = SPECS.map((s) => ids[s.name]!);
      await assertInvariants(e, w, { connections: all, graceHours: 0 }, 'right after both runs');

      // An hour later: what the race left is cleaned up; one password of ours per connection.
      e.clock.advance(61 * MINUTE);
      const later = await runTaskJob({ section: SECTION, emulator: e, org, inputs: INPUTS });
      assertFinished(later, 'later');
      await assertInvariants(e, w, { connections: all, graceHours: 0 }, 'an hour later');
      for (const name of ROTATED) {
        const id = ids[name]!;
        assert.deepEqual(
          productPasswords(e, id).map((p) => p.keyId),
          [w.storedKeyId(id)],
          `${name}: only the recorded password of ours is left`,
        );
      }
      survived(
        SECTION,
        `job token run ∥ PAT run (+${offsetMs} ms)`,
        `${ROTATED.length} due connections: ${Object.entries(outcomes)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')} over both runs; ${w.removals} removal(s), none in use; converged an hour later`,
      );
    });
  }
});

function assertFinished(run: ReliabilityRun, label: string): void {
  assert.ok(run.result !== null && run.report, `${label} completed`);
  assert.equal(run.report.connections.filter((c) => c.failed).length, 0, `${label}: ${run.resultMessage}`);
}
