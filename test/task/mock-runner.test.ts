/**
 * The compiled task entry under task-lib's MockTestRunner, offline: `nodePath` is set to this
 * Node, otherwise the runner downloads Node from nodejs.org and hangs without network
 * (task-ecosystem.md §2.1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { MockTestRunner } from 'azure-pipelines-task-lib/mock-test';

const TASK_JSON = path.join(__dirname, '..', '..', '..', 'task.json');

async function runScenario(name: string): Promise<MockTestRunner> {
  const runner = new MockTestRunner(path.join(__dirname, 'mock', `${name}.js`), TASK_JSON);
  runner.nodePath = process.execPath;
  await runner.runAsync();
  return runner;
}

describe('MockTestRunner (compiled entry, mocked task-lib)', function () {
  this.timeout(30_000);

  it('fails on an invalid threshold before connecting, naming the input', async () => {
    const runner = await runScenario('invalid-threshold');
    assert.equal(runner.failed, true, runner.stdout);
    assert.deepEqual(runner.errorIssues, [
      "Input 'failureDays' has value '20': expected a whole number from 0 to 10 (it may not exceed warningDays, 10). Change 'failureDays' in the task's inputs.",
    ]);
    assert.ok(!runner.stdout.includes('createClients must not be called'));
  });

  it('reports a connection found through mocked clients, with its output variables', async () => {
    const runner = await runScenario('report-with-fakes');
    // MockTestRunner counts SucceededWithIssues as succeeded; the complete line says which it was.
    assert.equal(runner.succeeded, true);
    assert.ok(runner.stdout.includes('##vso[task.complete result=SucceededWithIssues;]'), runner.stdout);
    assert.deepEqual(runner.warningIssues, [
      '1 service connection: 1 expiring within 30 days. See the summary.',
    ]);
    assert.ok(
      runner.stdout.includes(
        '##vso[task.setvariable variable=ExpiryStatus;isOutput=true;issecret=false;]warning',
      ),
    );
    assert.ok(
      runner.stdout.includes(
        '##vso[task.setvariable variable=DaysUntilNextExpiry;isOutput=true;issecret=false;]20',
      ),
    );
    assert.ok(
      !runner.stdout.replace('##vso[task.setsecret]mock-rotator-secret', '').includes('mock-rotator-secret'),
    );
  });
});
