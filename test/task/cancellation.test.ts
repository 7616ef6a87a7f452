/**
 * Issue #13: the agent cancels a job (or ends it at its timeout) by sending the task SIGINT. The
 * bundled task, run as the agent runs it, gets SIGINT right after its first addPassword, while the
 * new secrets are still propagating: it stops starting connections, removes the passwords it
 * minted and did not install, still writes the JSON report, the variables and the summary, and
 * ends Failed with "Cancelled". The next run converges: it rotates what is due, and the one after
 * changes nothing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Emulator, OrgDescription } from '../../emulator';
import type { RunReport } from '../../lib/report/run-report';
import { parseRecord } from '../../lib/rotation/record';
import { emulatedJob } from '../../scripts/agent/emulator-agent';
import { runTask, type TaskRun } from '../../scripts/agent/run-task';
import { connectionNamed, demoOrg, leaks, runJob, stagedTaskDir, startFor } from './task-harness';

const ROTATE = { action: 'rotate', projects: '*' };

/** Passwords we minted (our marker) that no connection record names. */
function unnamedOfOurs(emulator: Emulator): string[] {
  const state = emulator.state.snapshot();
  const named = new Set(
    state.serviceConnections.flatMap((c) => {
      const record = parseRecord(c.description);
      return record ? [record.keyId.toLowerCase()] : [];
    }),
  );
  return state.applications.flatMap((a) =>
    a.passwordCredentials
      .filter((p) => p.displayName?.startsWith('sc-rotator ') && !named.has(p.keyId.toLowerCase()))
      .map((p) => p.keyId),
  );
}

describe('the bundled task, cancelled by the agent', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let org: OrgDescription;

  before(() => {
    stagedTaskDir();
  });

  afterEach(async () => {
    await emulator?.close();
  });

  it('on SIGINT mid-rotation writes the report and variables, ends Failed "Cancelled", and the next run converges', async () => {
    org = demoOrg();
    // Long enough that every proof is still waiting when the signal arrives.
    emulator = await startFor(org, { propagationDelayMs: 4000 });
    const before = emulator.state.snapshot();
    const options = await emulatedJob({
      emulator,
      org,
      taskDir: stagedTaskDir(),
      rotatorConnectionId: connectionNamed(org, 'rotator-wif').id,
      inputs: ROTATE,
    });
    let send: ((signal: NodeJS.Signals) => void) | undefined;
    let signalled = false;
    options.onStart = (_kill, sender) => {
      send = sender;
    };
    const unsubscribe = emulator.onRequest((entry) => {
      if (!signalled && entry.operation === 'graph.applications.addPassword' && send) {
        signalled = true;
        send('SIGINT');
      }
    });
    let cancelled: TaskRun;
    try {
      cancelled = await runTask(options);
    } finally {
      unsubscribe();
    }

    assert.ok(signalled, 'the signal was sent');
    assert.equal(cancelled.killed, false);
    assert.equal(cancelled.exitCode, 0, cancelled.stderr);
    assert.equal(cancelled.result, 'Failed');
    assert.match(cancelled.resultMessage ?? '', /^Cancelled: /);
    // Variables, report and summary exist and say what was done: nothing rotated.
    assert.equal(cancelled.variables.RotatedCount?.value, '0');
    assert.equal(cancelled.variables.ConnectionCount?.value, '11');
    const reportPath = cancelled.variables.ReportPath?.value ?? '';
    const json = JSON.parse(fs.readFileSync(reportPath, 'utf8')) as RunReport;
    assert.equal(json.cancelled, true);
    const stopped = json.connections.filter((c) => c.code === 'rotation.aborted');
    assert.ok(stopped.length >= 1, 'at least the connection that minted is reported as stopped');
    assert.equal(cancelled.summaries.length, 1);
    assert.match(fs.readFileSync(cancelled.summaries[0]!, 'utf8'), /Cancelled: /);
    // The passwords minted before the signal were removed; no connection changed.
    const log = emulator.requests();
    const minted = log.filter((r) => r.operation === 'graph.applications.addPassword' && r.status < 300);
    const removed = log.filter((r) => r.operation === 'graph.applications.removePassword');
    assert.ok(minted.length >= 1);
    assert.equal(removed.length, minted.length);
    assert.equal(log.filter((r) => r.operation === 'devops.endpoints.update').length, 0);
    assert.deepEqual(unnamedOfOurs(emulator), []);
    assert.deepEqual(emulator.state.snapshot().serviceConnections, before.serviceConnections);
    for (const secret of emulator.issuedSecrets()) assert.deepEqual(leaks(cancelled, secret), []);

    // The next run rotates what is due, as an uncancelled first run would.
    emulator.clearRequests();
    const next = await runJob(emulator, org, { inputs: ROTATE });
    assert.equal(next.variables.RotatedCount?.value, '3', next.resultMessage ?? '');
    assert.doesNotMatch(next.resultMessage ?? '', /Cancelled/);
    assert.deepEqual(unnamedOfOurs(emulator), []);

    // And the one after finds nothing to do: no write at all.
    emulator.clearRequests();
    const third = await runJob(emulator, org, { inputs: ROTATE });
    assert.equal(third.variables.RotatedCount?.value, '0');
    assert.deepEqual(
      emulator.requests().filter((r) => r.write),
      [],
    );
  });
});
