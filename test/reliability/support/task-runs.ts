/**
 * Runs the bundled task as the agent does (`test/task/task-harness.ts`), for a job in an emulated
 * organization, with the crash controls the reliability suite needs, and scans every run for
 * secrets (`secret-scan.ts`).
 *
 * Time: when the emulator clock has been moved ahead of the wall clock (a run "an hour later"),
 * the task process is started with the same shift (`clock-shift.ts`), so both agree on the time.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Emulator, LoggedRequest, OrgDescription } from '../../../emulator';
import type { RunReport } from '../../../lib/report/run-report';
import { emulatedJob } from '../../../scripts/agent/emulator-agent';
import { runTask, type TaskRun } from '../../../scripts/agent/run-task';
import { stagedTaskDir } from '../../task/task-harness';
import { assertNoSecretLeaked, knownSecrets } from './secret-scan';

/** One task run. */
export interface ReliabilityJob {
  /** Where the secret scan is counted in the table. */
  section: string;
  emulator: Emulator;
  org: OrgDescription;
  inputs: Record<string, string>;
  /** @default the org's `rotator-wif` connection */
  rotatorConnectionId?: string;
  jobIdentityId?: string;
  /** SIGKILL the task when it prints a line for which this returns true. */
  killWhen?: (line: string) => boolean;
  /** SIGKILL the task the moment the emulator decided the answer to a request (before sending it). */
  killOnRequest?: (entry: LoggedRequest) => boolean;
  /** Secrets to search for beyond the org's and the emulator's (e.g. a PAT input). */
  extraSecrets?: readonly string[];
  /** Changes the agent environment (bad-input cases). */
  adjust?: (options: Awaited<ReturnType<typeof emulatedJob>>) => void;
  /** @default 120000 */
  timeoutMs?: number;
}

/** A finished (or killed) run. */
export interface ReliabilityRun extends TaskRun {
  /** The JSON report, when the run got that far. */
  report: RunReport | null;
  /** Killed by `killWhen`/`killOnRequest` (not by the timeout). */
  crashed: boolean;
  /** Wall-clock duration in milliseconds. */
  durationMs: number;
}

const SHIFT_PRELOAD = path.join(__dirname, 'clock-shift.js');

/** Runs the bundled task once, then asserts that no secret leaked anywhere. */
export async function runTaskJob(job: ReliabilityJob): Promise<ReliabilityRun> {
  const { emulator, org } = job;
  const rotatorConnectionId =
    job.rotatorConnectionId ?? (org.serviceConnections ?? []).find((c) => c.name === 'rotator-wif')?.id;
  if (!rotatorConnectionId) throw new Error('no rotator connection in the org');
  const shiftMs = Math.round(emulator.clock.nowMs() - Date.now());
  const options = await emulatedJob({
    emulator,
    org,
    taskDir: stagedTaskDir(),
    rotatorConnectionId,
    inputs: job.inputs,
    ...(job.jobIdentityId ? { jobIdentityId: job.jobIdentityId } : {}),
    ...(Math.abs(shiftMs) > 1000
      ? { env: { NODE_OPTIONS: `--require ${SHIFT_PRELOAD}`, SCR_TEST_CLOCK_SHIFT_MS: String(shiftMs) } }
      : {}),
    timeoutMs: job.timeoutMs ?? 120_000,
  });
  job.adjust?.(options);
  let crashed = false;
  let kill: (() => void) | undefined;
  if (job.killWhen) {
    const when = job.killWhen;
    options.killWhen = (line) => {
      if (!when(line)) return false;
      crashed = true;
      return true;
    };
  }
  const unsubscribe = job.killOnRequest
    ? emulator.onRequest((entry) => {
        if (kill && !crashed && job.killOnRequest?.(entry)) {
          crashed = true;
          kill();
        }
      })
    : () => {};
  options.onStart = (k) => {
    kill = k;
  };
  const started = Date.now();
  let run: TaskRun;
  try {
    run = await runTask(options);
  } finally {
    unsubscribe();
  }
  const reportPath = run.variables.ReportPath?.value;
  const report =
    reportPath && fs.existsSync(reportPath)
      ? (JSON.parse(fs.readFileSync(reportPath, 'utf8')) as RunReport)
      : null;
  assertNoSecretLeaked(run, knownSecrets(emulator, org, job.extraSecrets), job.section);
  fs.rmSync(run.tempDir, { recursive: true, force: true });
  return { ...run, report, crashed, durationMs: Date.now() - started };
}

/** The report row of a connection, by name. */
export function rowOf(run: ReliabilityRun, name: string) {
  const row = run.report?.connections.find((c) => c.name === name);
  if (!row) throw new Error(`no report row for ${name} (result ${run.result}: ${run.resultMessage})`);
  return row;
}

/** Output variables as plain values. */
export function outputsOf(run: ReliabilityRun): Record<string, string> {
  return Object.fromEntries(Object.entries(run.variables).map(([k, v]) => [k, v.value]));
}
