/**
 * Bad input to the bundled task: Failed, a message naming the input and value, and not a single
 * request to any service (spec §3: "fail the task before any request is sent").
 */
import assert from 'node:assert/strict';
import type { Emulator, OrgDescription } from '../../emulator';
import { emulatedJob, jobTokenOf } from '../../scripts/agent/emulator-agent';
import { runTask } from '../../scripts/agent/run-task';
import { applyChange, BASE_INPUTS, INVALID_INPUT_CASES } from './invalid-input-cases';
import { connectionNamed, demoOrg, leaks, stagedTaskDir, startFor } from './task-harness';

describe('the bundled task with bad input', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let org: OrgDescription;

  before(async () => {
    stagedTaskDir();
    org = demoOrg();
    emulator = await startFor(org);
  });

  after(async () => {
    await emulator.close();
  });

  for (const [what, change, message] of INVALID_INPUT_CASES) {
    it(`fails on ${what}, naming it, with zero requests`, async () => {
      emulator.clearRequests();
      const rotatorId = connectionNamed(org, 'rotator-wif').id;
      const options = await emulatedJob({
        emulator,
        org,
        taskDir: stagedTaskDir(),
        rotatorConnectionId: rotatorId,
        inputs: { ...BASE_INPUTS, ...change.inputs },
      });
      applyChange(options, rotatorId, change);
      const run = await runTask(options);
      assert.equal(run.exitCode, 0);
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', message);
      assert.equal(run.errors.length, 1);
      assert.deepEqual(emulator.requests(), [], 'no request at all');
      assert.deepEqual(Object.keys(run.variables), [], 'no output variables on invalid input');
      assert.deepEqual(leaks(run, jobTokenOf(org)), []);
    });
  }

  it('names projects that do not exist, after listing projects only', async () => {
    emulator.clearRequests();
    const run = await runTask(
      await emulatedJob({
        emulator,
        org,
        taskDir: stagedTaskDir(),
        rotatorConnectionId: connectionNamed(org, 'rotator-wif').id,
        inputs: { action: 'rotate', projects: 'Platform, Nope' },
      }),
    );
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /Nope/);
    const operations = new Set(emulator.requests().map((r) => r.operation));
    assert.deepEqual([...operations].filter((o) => !o.startsWith('devops.location')).sort(), [
      'devops.projects.list',
    ]);
    assert.deepEqual(
      emulator.requests().filter((r) => r.write),
      [],
    );
  });
});
