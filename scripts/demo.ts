/**
 * `npm start`: the task end to end against the local emulator. Bundles the task as it ships,
 * starts the emulator with the demo organization, then runs the bundled task twice as the agent
 * would (a `report`, then a `rotate`, then a `migrate` dry run that shows the plan to workload identity
 * federation) and prints the variables, the summary and the final state. The organization shows the
 * federation findings too: a connection on the retiring Azure DevOps issuer, a broken one and a
 * dangling federated credential (demo-federation.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCertificateAuthority, type OrgDescription, startEmulator } from '../emulator';
import { emulatedJob } from './agent/emulator-agent';
import { runTask, type TaskRun } from './agent/run-task';
import { withFederationCases } from './demo-federation';
import { packageExtension } from './package';

const ROOT = path.resolve(__dirname, '..', '..');
const ORG_FILE = path.join(ROOT, 'emulator', 'orgs', 'demo.json');
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function heading(text: string): void {
  process.stdout.write(`\n${bold(`━━ ${text} ${'━'.repeat(Math.max(0, 76 - text.length))}`)}\n`);
}

function printRun(run: TaskRun): void {
  // What a person sees in the job log: plain lines and groups, without the agent's commands.
  for (const line of run.lines) {
    if (line.includes('##vso[') || line.trim() === '') continue;
    process.stdout.write(`  ${line.replace(/^##\[group\]/, '▸ ').replace(/^##\[endgroup\]$/, '')}\n`);
  }
  heading('Output variables');
  for (const [name, v] of Object.entries(run.variables)) {
    process.stdout.write(`  ${name.padEnd(22)} ${v.value}\n`);
  }
  const summary = run.summaries[0];
  if (summary && fs.existsSync(summary)) {
    heading('Run summary (Markdown, shown on the run page)');
    process.stdout.write(`${fs.readFileSync(summary, 'utf8').replace(/^/gm, '  ')}\n`);
  }
  process.stdout.write(
    `  Task result: ${bold(run.result ?? 'none (crashed)')} — ${run.resultMessage ?? ''}\n`,
  );
  process.stdout.write(`  Secrets registered with setSecret: ${run.secrets.length}\n`);
}

async function main(): Promise<void> {
  heading('Bundling the task');
  const { taskDir, bundlePath } = packageExtension({ vsix: false });
  process.stdout.write(
    `  ${path.relative(ROOT, bundlePath)} (${(fs.statSync(bundlePath).size / 1024).toFixed(0)} KiB)\n`,
  );

  // Plus a WIF connection whose federation broke on a rename, leaving a dangling credential.
  const org = withFederationCases(JSON.parse(fs.readFileSync(ORG_FILE, 'utf8')) as OrgDescription);
  const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-demo-ca-'));
  await ensureCertificateAuthority(caDir);
  const emulator = await startEmulator({ org, caDir, propagationDelayMs: 2000 });
  try {
    heading('Emulator');
    process.stdout.write(`  Azure DevOps   ${emulator.urls.organization}\n`);
    process.stdout.write(`  Entra ID       ${emulator.urls.authorityHost}\n`);
    process.stdout.write(`  Graph          ${emulator.urls.graph}\n`);
    process.stdout.write(`  Trusted CA     ${emulator.caCertPath}\n`);
    process.stdout.write('  New secrets take 2 s to propagate, as in Entra ID (4–18 s observed).\n');

    const rotator = (org.serviceConnections ?? []).find((c) => c.name === 'rotator-wif');
    if (!rotator) throw new Error('demo.json has no rotator-wif connection');
    const common = { projects: '*', revokeAfterHours: '24' };

    heading('Run 1: ServiceConnectionRotator@1, action: report');
    const report = await runTask(
      await emulatedJob({
        emulator,
        org,
        taskDir,
        rotatorConnectionId: rotator.id,
        inputs: { ...common, action: 'report' },
      }),
    );
    printRun(report);

    heading('Run 2: ServiceConnectionRotator@1, action: rotate');
    const writesBefore = emulator.requests().filter((r) => r.write).length;
    const rotate = await runTask(
      await emulatedJob({
        emulator,
        org,
        taskDir,
        rotatorConnectionId: rotator.id,
        inputs: { ...common, action: 'rotate' },
      }),
    );
    printRun(rotate);

    heading('Run 3: ServiceConnectionRotator@1, action: migrate, dryRun: true');
    const writesBeforeMigrate = emulator.requests().filter((r) => r.write).length;
    const migrate = await runTask(
      await emulatedJob({
        emulator,
        org,
        taskDir,
        rotatorConnectionId: rotator.id,
        inputs: { ...common, action: 'migrate', dryRun: 'true' },
      }),
    );
    printRun(migrate);
    const migrateWrites = emulator.requests().filter((r) => r.write).length - writesBeforeMigrate;
    process.stdout.write(`  Write requests during the migrate dry run: ${migrateWrites}\n`);

    heading('Final state in the emulator');
    const state = emulator.state.snapshot();
    for (const connection of state.serviceConnections) {
      const stored = connection.secret;
      const app = state.applications.find(
        (a) => a.appId === connection.authorizationParameters.serviceprincipalid,
      );
      const keyId = stored && stored.kind === 'password' ? stored.keyId : null;
      const installed = keyId ? app?.passwordCredentials.find((p) => p.keyId === keyId) : undefined;
      const using = installed
        ? `uses ${installed.keyId.slice(0, 8)} "${installed.displayName}" until ${installed.endDateTime.slice(0, 10)}`
        : stored?.kind === 'certificate'
          ? `certificate ${stored.keyId?.slice(0, 8) ?? '(not on the app)'}`
          : connection.scheme === 'ServicePrincipal'
            ? 'a secret that matches no password of its app'
            : connection.scheme;
      process.stdout.write(`  ${connection.name.padEnd(18)} ${using}\n`);
    }
    const writes = emulator.requests().filter((r) => r.write);
    process.stdout.write(
      `  Write requests: ${writesBefore} during the report, ${writesBeforeMigrate - writesBefore} during the rotation ` +
        `(${writes.map((w) => w.operation.replace(/^.*\./, '')).join(', ')}).\n`,
    );
    const leaked = emulator
      .issuedSecrets()
      .filter((s) =>
        [report, rotate, migrate].some((run) =>
          run.lines.some((l) => l.includes(s) && !l.startsWith('##vso[task.setsecret]')),
        ),
      );
    process.stdout.write(`  Secrets in the output outside setSecret lines: ${leaked.length}\n`);
    if (
      leaked.length > 0 ||
      report.result === null ||
      rotate.result === null ||
      migrate.result === null ||
      migrateWrites > 0
    )
      process.exitCode = 1;
  } finally {
    await emulator.close();
    fs.rmSync(caDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
