/**
 * `run({ host })` in this process with a recording host: the agent's inputs, endpoints and
 * variables as `emulatedJob` builds them, the real clients against the emulator. What the host
 * was told (secrets, outputs, groups, the one result) is checked exactly, and that every secret
 * was registered before any line could carry it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Emulator, OrgDescription } from '../../emulator';
import type { RunReport } from '../../lib';
import { emulatedJob } from '../../scripts/agent/emulator-agent';
import type { RunTaskOptions } from '../../scripts/agent/run-task';
import type { TaskHost, TaskOutcome } from '../../tasks/ServiceConnectionRotatorV1/agent-host';
import { run } from '../../tasks/ServiceConnectionRotatorV1/run';
import { connectionNamed, demoOrg, startFor } from './task-harness';

/** Everything the task told the agent, in order. */
class RecordingHost implements TaskHost {
  readonly events: Array<{ kind: string; text: string }> = [];
  readonly secrets: string[] = [];
  readonly outputs: Record<string, string> = {};
  readonly results: Array<{ result: TaskOutcome; message: string }> = [];
  summary = '';

  constructor(private readonly job: RunTaskOptions) {}

  getInput = (name: string) => this.job.inputs?.[name];
  getSecretInput = (name: string) => this.job.inputs?.[name];
  getVariable = (name: string) => this.job.variables?.[name];
  getEndpointAuthorization = (id: string) => {
    const e = this.job.endpoints?.[id];
    return e ? { scheme: e.scheme, parameters: { ...e.parameters } } : undefined;
  };
  getEndpointDataParameter = (id: string, key: string) => this.job.endpoints?.[id]?.data?.[key];
  setSecret = (value: string) => {
    this.secrets.push(value);
    this.events.push({ kind: 'setSecret', text: '' });
  };
  setOutput = (name: string, value: string) => {
    this.outputs[name] = value;
    this.events.push({ kind: 'output', text: `${name}=${value}` });
  };
  setResult = (result: TaskOutcome, message: string) => {
    this.results.push({ result, message });
    this.events.push({ kind: 'result', text: message });
  };
  setProgress = (percent: number, operation: string) =>
    this.events.push({ kind: 'progress', text: `${percent} ${operation}` });
  uploadSummary = (markdown: string) => {
    this.summary = markdown;
    this.events.push({ kind: 'summary', text: markdown });
  };
  uploadArtifact = (folder: string, name: string, file: string) =>
    this.events.push({ kind: 'artifact', text: `${folder} ${name} ${file}` });
  addBuildTag = (tag: string) => this.events.push({ kind: 'tag', text: tag });
  debug = (message: string) => this.events.push({ kind: 'debug', text: message });
  warning = (message: string) => this.events.push({ kind: 'warning', text: message });
  log = (line: string) => this.events.push({ kind: 'log', text: line });
  group = (title: string, lines: readonly string[]) =>
    this.events.push({ kind: 'group', text: [title, ...lines].join('\n') });
}

describe('run({ host }) in process against the emulator', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let org: OrgDescription;
  let reportDir: string;

  beforeEach(async () => {
    org = demoOrg();
    emulator = await startFor(org, { propagationDelayMs: 0 });
    reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-run-'));
  });
  afterEach(async () => {
    await emulator.close();
  });

  async function hostFor(inputs: Record<string, string>): Promise<RecordingHost> {
    const job = await emulatedJob({
      emulator,
      org,
      taskDir: '',
      rotatorConnectionId: connectionNamed(org, 'rotator-wif').id,
      inputs: { reportPath: path.join(reportDir, 'report.json'), ...inputs },
    });
    return new RecordingHost(job);
  }

  it('rotates what is due and tells the host once: outputs, groups with steps, summary, result', async () => {
    const host = await hostFor({ action: 'rotate', projects: '*' });
    const seeded = new Set(emulator.issuedSecrets());
    await run({ host });

    assert.equal(host.results.length, 1);
    assert.equal(host.results[0]!.result, 'Failed', 'three connections need a person');
    assert.deepEqual(
      { ...host.outputs, NextExpiry: '', DaysUntilNextExpiry: '' },
      {
        ExpiryStatus: 'ok',
        ConnectionCount: '11',
        ExpiringCount: '0',
        ExpiredCount: '0',
        RotatedCount: '3',
        FailedCount: '3',
        MigratedCount: '0',
        LegacyIssuerCount: '1',
        NextExpiry: '',
        DaysUntilNextExpiry: '',
        ReportPath: path.join(reportDir, 'report.json'),
      },
    );
    const groups = host.events.filter((e) => e.kind === 'group').map((e) => e.text.split('\n'));
    assert.deepEqual(groups.map((g) => g[0]).sort(), [
      'legacy-deploy: rotated',
      'shared-deploy: rotated',
      'staging-deploy: rotated',
    ]);
    for (const group of groups) {
      assert.deepEqual(
        group.slice(1).map((line) => line.split(':')[0]),
        ['✔ mint', '✔ prove_credential', '✔ prove_connection', '✔ switch', '✔ confirm'],
      );
    }
    const report = JSON.parse(fs.readFileSync(host.outputs.ReportPath!, 'utf8')) as RunReport;
    assert.equal(report.connections.filter((c) => c.action === 'rotated').length, 3);
    assert.match(host.summary, /^## Service connection secrets: action needed$/m);

    // Each minted secret (and the job token) registered, before any other event could carry it.
    const minted = emulator.issuedSecrets().filter((s) => !seeded.has(s));
    assert.equal(minted.length, 3);
    for (const secret of minted) assert.ok(host.secrets.includes(secret), 'registered with setSecret');
    const text = host.events.map((e) => e.text).join('\n');
    for (const secret of [...minted, ...host.secrets])
      assert.ok(!text.includes(secret), 'no secret in any event');
    assert.equal(host.events.at(-1)!.kind, 'result');
  });

  it('fails on a bad input before any request, naming the input', async () => {
    const host = await hostFor({ action: 'report', warningDays: '5', failureDays: '6' });
    emulator.clearRequests();
    await run({ host });
    assert.deepEqual(host.results, [
      {
        result: 'Failed',
        message:
          "Input 'failureDays' has value '6': expected a whole number from 0 to 5 (it may not exceed warningDays, 5). Change 'failureDays' in the task's inputs.",
      },
    ]);
    assert.deepEqual(emulator.requests(), []);
    assert.deepEqual(host.outputs, {});
  });
});
