/**
 * Issue #11: the `report` budgets at 10,000 connections over 500 projects when 30 % of them use
 * workload identity federation, whose apps discovery now reads too (federated credentials
 * expanded in the same batched GET). Only the report rows of `npm run bench`: one emulator process,
 * `--runs` fresh report workers, the median by wall time.
 *
 *   npm run build && node dist/bench/federation-report.js [--wif-share 0.3] [--runs 3]
 *                                                        [--latency-ms 20] [--max-parallel 8]
 *
 * Budgets (as `npm run bench`, bench/budgets.ts): report ≤ 2 × latency lower bound, ≤ 1.3 × the
 * pipelined bound, peak RSS < 250 MB, Graph read requests ≤ ceil(apps looked up / 20) + 5, where
 * the apps looked up include the WIF connections' apps. Exits 1 when one fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCertificateAuthority } from '../emulator';
import { startEmulatorProcess } from './emulator-process';
import { discoveryLowerBound, pipelinedDiscoveryBound } from './lower-bound';
import { benchNodeVersion } from './node-process';
import { prepareOrg } from './org-shape';
import { requestStats } from './request-stats';
import { runWorker } from './workers/spawn-worker';

const MB = 1_000_000;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`--${name} must be a non-negative number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'wif-share': { type: 'string' },
      runs: { type: 'string' },
      'latency-ms': { type: 'string' },
      'max-parallel': { type: 'string' },
    },
  });
  const wifShare = numberOption(values['wif-share'], 'wif-share', 0.3);
  const runs = Math.max(1, Math.round(numberOption(values.runs, 'runs', 3)));
  const latencyMs = Math.round(numberOption(values['latency-ms'], 'latency-ms', 20));
  const maxParallel = Math.max(1, Math.round(numberOption(values['max-parallel'], 'max-parallel', 8)));
  const size = { projects: 500, connections: 10_000, naive: false };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const loadBefore = os.loadavg();

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-bench-wif-'));
  try {
    await ensureCertificateAuthority(workDir);
    const org = prepareOrg(size, workDir, 1, { workloadIdentity: wifShare });
    const emulator = await startEmulatorProcess({ orgFile: org.file, caDir: workDir, latencyMs, workDir });
    try {
      const samples = [];
      for (let i = 0; i < runs; i += 1) {
        log(`  10,000 connections, ${Math.round(wifShare * 100)} % WIF: report ${i + 1}/${runs}…`);
        await emulator.clearRequests();
        const worker = await runWorker(
          { mode: 'report', urls: emulator.urls, identity: org.identity, maxParallel, rotateCount: 0 },
          { caPath: emulator.caPath, workDir },
        );
        samples.push({ worker, requests: requestStats(await emulator.requests()) });
      }
      // The rig's floor: the same Azure DevOps requests with nothing but bare HTTPS (floor-run.ts).
      const checks = samples[0]!.requests.byOperation['devops.endpointproxy.execute'] ?? 0;
      log("  the rig floor: the report's Azure DevOps requests replayed over bare HTTPS…");
      const floor = await runWorker(
        {
          mode: 'floor',
          urls: emulator.urls,
          identity: org.identity,
          maxParallel,
          rotateCount: 0,
          floorChecks: checks,
        },
        { caPath: emulator.caPath, workDir },
      );
      const floorBound = Math.ceil((floor.requests ?? 0) / maxParallel) * latencyMs;
      const sorted = [...samples].sort((a, b) => a.worker.wallMs - b.worker.wallMs);
      const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
      const bound = discoveryLowerBound(org.shape, latencyMs, maxParallel);
      const pipelined = pipelinedDiscoveryBound(org.shape, latencyMs, maxParallel);
      const wall = median.worker.wallMs;
      const reads = median.requests.byService.graph.reads;
      const allowed = Math.ceil(org.shape.appsLookedUp / 20) + 5;
      const rss = median.worker.peakRssBytes;
      const budgets = [
        [
          'report ≤ 2 × latency lower bound',
          wall <= 2 * bound.boundMs,
          `${fmt(wall)} ms vs ${fmt(2 * bound.boundMs)} ms`,
        ],
        [
          'report ≤ 1.3 × pipelined latency bound',
          wall <= 1.3 * pipelined.boundMs,
          `${fmt(wall)} ms vs ${fmt(1.3 * pipelined.boundMs)} ms (ratio ${fmt(wall / pipelined.boundMs, 2)})`,
        ],
        ['report peak RSS < 250 MB', rss < 250 * MB, `${fmt(rss / MB, 1)} MB`],
        [
          'Graph read requests ≤ ceil(apps / 20) + 5',
          reads <= allowed,
          `${fmt(reads)} vs ceil(${fmt(org.shape.appsLookedUp)} / 20) + 5 = ${fmt(allowed)}`,
        ],
      ] as const;
      const lines = [
        `Report at 10,000 connections / 500 projects, ${Math.round(wifShare * 100)} % workload identity federation (seed 1), latency ${latencyMs} ms, maxParallel ${maxParallel}`,
        `  Node ${benchNodeVersion()} (workers and emulator)`,
        `  AzureRM connections ${fmt(org.shape.azureRmConnections)} · WIF connections ${fmt(org.shape.wifConnections)} · apps looked up ${fmt(org.shape.appsLookedUp)} (WIF apps included)`,
        `  wall ms (runs): ${samples.map((s) => fmt(s.worker.wallMs)).join(', ')} · median ${fmt(wall)}`,
        `  Graph: ${fmt(reads)} read requests, ${fmt(median.requests.batchItems)} $batch items, ${fmt(median.requests.byService.graph.writes)} writes; Azure DevOps ${fmt(median.requests.byService.devops.reads)} reads`,
        `  problems: ${JSON.stringify(median.worker.problems ?? {})}`,
        `  pipelined bound: ${pipelined.derivation} = ${fmt(pipelined.boundMs)} ms`,
        `  rig floor (not a budget): ${fmt(floor.requests ?? 0)} Azure DevOps requests (${fmt(org.shape.projects)} lists, ${fmt(checks)} TestConnections) over bare HTTPS, no SDK, no Graph, no processing: ${fmt(floor.wallMs)} ms vs their own bound ${fmt(floorBound)} ms (ratio ${fmt(floor.wallMs / floorBound, 2)}); the report's CPU ${fmt(median.worker.cpuMs ?? 0)} ms`,
        `  load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
        '',
        ...budgets.map(([name, pass, detail]) => `  ${pass ? 'PASS' : 'FAIL'}  ${name}: ${detail}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (budgets.some(([, pass]) => !pass)) process.exitCode = 1;
    } finally {
      await emulator.stop().catch(() => {});
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
