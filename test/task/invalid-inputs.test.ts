/**
 * Bad input to the bundled task: Failed, a message naming the input and value, and not a single
 * request to any service (spec §3: "fail the task before any request is sent").
 */
import assert from 'node:assert/strict';
import type { Emulator, OrgDescription } from '../../emulator';
import { emulatedJob, jobTokenOf } from '../../scripts/agent/emulator-agent';
import type { AgentEndpoint } from '../../scripts/agent/run-task';
import { runTask } from '../../scripts/agent/run-task';
import { connectionNamed, demoOrg, leaks, stagedTaskDir, startFor } from './task-harness';

type Change = {
  inputs?: Record<string, string>;
  variables?: Record<string, string | null>;
  endpoint?: (e: AgentEndpoint) => AgentEndpoint | null;
};

const cases: Array<[string, Change, RegExp]> = [
  [
    'an unknown action',
    { inputs: { action: 'delete' } },
    /Input 'action' has value 'delete': expected one of 'report', 'rotate'/,
  ],
  ['non-numeric warningDays', { inputs: { warningDays: 'soon' } }, /Input 'warningDays' has value 'soon'/],
  [
    'negative rotateWithinDays',
    { inputs: { rotateWithinDays: '-1' } },
    /Input 'rotateWithinDays' has value '-1'/,
  ],
  [
    'failureDays above warningDays',
    { inputs: { warningDays: '5', failureDays: '6' } },
    /Input 'failureDays' has value '6'/,
  ],
  [
    'secretLifetimeDays out of range',
    { inputs: { secretLifetimeDays: '1000' } },
    /Input 'secretLifetimeDays' has value '1000'/,
  ],
  ['maxParallel out of range', { inputs: { maxParallel: '100' } }, /Input 'maxParallel' has value '100'/],
  ['a malformed connection pattern', { inputs: { connections: '!' } }, /Input 'connections' has value '!'/],
  ['a wildcard project', { inputs: { projects: 'Pay*' } }, /Input 'projects' has value 'Pay\*'/],
  [
    'a non-HTTPS authority',
    { inputs: { authorityHost: 'http://127.0.0.1:1' } },
    /Input 'authorityHost' has value 'http:\/\/127\.0\.0\.1:1'/,
  ],
  [
    'PAT mode without a PAT',
    { inputs: { devOpsAuthentication: 'personalAccessToken' } },
    /Input 'personalAccessToken' has value \(empty\)/,
  ],
  ['a dryRun that is not a boolean', { inputs: { dryRun: 'maybe' } }, /Input 'dryRun' has value 'maybe'/],
  [
    'a rotator connection the job was not given',
    { inputs: { rotatorConnection: 'not-passed' } },
    /Input 'rotatorConnection' has value 'not-passed'/,
  ],
  [
    'a rotator connection of an unsupported scheme',
    { endpoint: (e) => ({ ...e, scheme: 'ManagedServiceIdentity' }) },
    /scheme ManagedServiceIdentity/,
  ],
  [
    'no System.CollectionUri',
    { variables: { 'System.CollectionUri': null } },
    /Variable 'System.CollectionUri' is empty/,
  ],
];

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

  for (const [what, change, message] of cases) {
    it(`fails on ${what}, naming it, with zero requests`, async () => {
      emulator.clearRequests();
      const rotatorId = connectionNamed(org, 'rotator-wif').id;
      const options = await emulatedJob({
        emulator,
        org,
        taskDir: stagedTaskDir(),
        rotatorConnectionId: rotatorId,
        inputs: { action: 'rotate', projects: '*', ...change.inputs },
      });
      for (const [name, value] of Object.entries(change.variables ?? {})) {
        if (value === null) delete options.variables?.[name];
        else options.variables![name] = value;
      }
      if (change.endpoint) {
        const changed = change.endpoint(options.endpoints![rotatorId]!);
        if (changed) options.endpoints![rotatorId] = changed;
      }
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
