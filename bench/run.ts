/**
 * `npm run bench` (issue #8): how discovery and rotation cost grow with the organization, beside
 * the one-request-at-a-time baseline, on the emulator with a fixed latency per request. Prints one
 * table with PASS/FAIL per budget and writes bench/results.json. Talks only to 127.0.0.1.
 *
 *   node dist/bench/run.js [--latency-ms 20] [--max-parallel 8] [--report-runs 3] [--quick]
 *                          [--cold-start-runs 20]
 *
 * `--quick` measures the two smaller sizes only (the 10,000 budgets then read N/A).
 * `--only certificates` runs only the certificate rotation row (measure-certificates.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCertificateAuthority } from '../emulator';
import { checkBudgets } from './budgets';
import { type ColdStart, measureColdStart } from './cold-start';
import {
  type CertificateRow,
  certificateBudgets,
  measureCertificateRotation,
  renderCertificateTable,
} from './measure-certificates';
import { measurePropagationRotations, type PropagationRow } from './measure-propagation';
import { type BenchSettings, measureSize, type SizeResult } from './measure-size';
import { fitNaiveModel, type NaivePoint } from './naive-model';
import { benchNodeVersion } from './node-process';
import { DEFAULT_SIZES } from './org-shape';
import { propagationBudgets, renderPropagationTable, rowWithoutPropagation } from './propagation-table';
import { renderTable } from './report-table';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results.json');

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** The measured naive runs, with the requests the emulator saw for each. */
function naivePoints(results: readonly SizeResult[]): NaivePoint[] {
  return results.flatMap((r) => {
    if (!r.naive) return [];
    const requests = Object.values(r.naive.requests.byService).reduce((s, c) => s + c.reads + c.writes, 0);
    return [{ requests, wallMs: r.naive.worker.wallMs }];
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'latency-ms': { type: 'string' },
      'max-parallel': { type: 'string' },
      'report-runs': { type: 'string' },
      'cold-start-runs': { type: 'string' },
      quick: { type: 'boolean' },
      'propagation-ms': { type: 'string' },
      only: { type: 'string' },
    },
  });
  if (values.only !== undefined && values.only !== 'certificates') {
    throw new Error(`--only takes 'certificates', got "${values.only}"`);
  }
  const latencyMs = wholeNumber(values['latency-ms'], 'latency-ms', 20);
  const maxParallel = Math.max(1, wholeNumber(values['max-parallel'], 'max-parallel', 8));
  const reportRuns = Math.max(1, wholeNumber(values['report-runs'], 'report-runs', 3));
  const coldStartRuns = wholeNumber(values['cold-start-runs'], 'cold-start-runs', 20);
  const propagationMs = wholeNumber(values['propagation-ms'], 'propagation-ms', 10_000);
  const sizes = values.quick ? DEFAULT_SIZES.filter((s) => s.connections < 10_000) : DEFAULT_SIZES;
  const started = Date.now();
  // Other work on the machine slows everything measured here, so the load goes with the results.
  const loadBefore = os.loadavg();
  // The Node the workers and emulators run on (node-process.ts), which may not be this one.
  const measuredNode = benchNodeVersion();
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-bench-'));
  try {
    await ensureCertificateAuthority(workDir);
    const settings: BenchSettings = {
      latencyMs,
      maxParallel,
      rotateShare: 0.1,
      reportRuns,
      caDir: workDir,
      workDir,
      log,
    };
    // Issue #15: certificate rotation within the keyCredentials read quota.
    const certificateRow = (): Promise<CertificateRow> =>
      measureCertificateRotation({
        caDir: workDir,
        latencyMs,
        maxParallel,
        propagationMs: Math.min(propagationMs, 10_000),
        log,
      });
    if (values.only === 'certificates') {
      const row = await certificateRow();
      process.stdout.write(`${renderCertificateTable(row)}\n`);
      if (certificateBudgets(row).some((b) => !b.pass)) process.exitCode = 1;
      return;
    }
    log(`Benchmark: ${sizes.length} sizes, latency ${latencyMs} ms, maxParallel ${maxParallel}.`);
    const results: SizeResult[] = [];
    for (const size of sizes) results.push(await measureSize(size, settings));

    // Issue #13: rotation with new secrets propagating, at the largest size: 10 % and 40 % of the
    // connections (at 10,000: 1,000, and 4,000 capped to those due, the first run's share).
    const largest = results[results.length - 1]!;
    const rotations: PropagationRow[] = [rowWithoutPropagation(largest, settings)];
    if (propagationMs > 0) {
      const counts = [0.1, 0.4].map((share) => Math.round(largest.size.connections * share));
      rotations.push(...(await measurePropagationRotations(largest.size, counts, propagationMs, settings)));
    }

    const certificates = await certificateRow();

    let coldStart: ColdStart | null = null;
    if (coldStartRuns > 0) {
      log(`  cold start: packaging the task, then ${coldStartRuns} runs each…`);
      coldStart = measureColdStart(workDir, coldStartRuns);
    }
    const model = fitNaiveModel(naivePoints(results));
    const budgets = [
      ...checkBudgets(results, model, coldStart),
      ...propagationBudgets(rotations),
      ...certificateBudgets(certificates),
    ];
    const durationMs = Date.now() - started;
    const table = renderTable(results, model, coldStart, budgets, {
      latencyMs,
      maxParallel,
      reportRuns,
      loadBefore,
      node: measuredNode,
    });
    process.stdout.write(
      `${table}\n\n${renderPropagationTable(rotations)}\n\n${renderCertificateTable(certificates)}\n`,
    );
    process.stdout.write(
      `\nBenchmark took ${(durationMs / 1000).toFixed(0)} s. Results: ${path.relative(ROOT, RESULTS)}\n`,
    );
    const machine = {
      cpus: os.cpus().length,
      node: measuredNode,
      platform: `${os.platform()} ${os.arch()}`,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    };
    const { caDir: _ca, workDir: _work, log: _log, ...recorded } = settings;
    const output = {
      finishedAt: new Date().toISOString(),
      durationMs,
      machine,
      settings: { ...recorded, coldStartRuns },
      sizes: results,
      rotations,
      certificates,
      naiveModel: model,
      coldStart,
      budgets,
    };
    fs.writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    if (budgets.some((b) => b.pass === false)) process.exitCode = 1;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
