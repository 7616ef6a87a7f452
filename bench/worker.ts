/**
 * A benchmark worker: `node dist/bench/worker.js JOB_FILE`. Started by `run.ts` with the
 * emulator's CA trusted; runs one measured job and writes its result file. A separate process
 * per job, so each peak RSS belongs to that job alone.
 */
import fs from 'node:fs';
import { naiveDiscovery } from './naive-discovery';
import { ownPeakRssBytes } from './peak-rss';
import { runFloor } from './workers/floor-run';
import type { WorkerJob, WorkerResult } from './workers/job';
import { runReport, runRotate } from './workers/library-run';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node dist/bench/worker.js JOB_FILE');
  const job = JSON.parse(fs.readFileSync(file, 'utf8')) as WorkerJob;
  let result: Omit<WorkerResult, 'peakRssBytes'>;
  if (job.mode === 'naive') {
    const started = performance.now();
    const naive = await naiveDiscovery(job.urls, job.identity);
    result = {
      mode: 'naive',
      wallMs: performance.now() - started,
      connectionsFound: naive.connections,
      evaluated: naive.evaluated,
      checks: naive.checks,
      checksMs: naive.checksMs,
    };
  } else {
    result =
      job.mode === 'report'
        ? await runReport(job)
        : job.mode === 'floor'
          ? await runFloor(job)
          : await runRotate(job);
  }
  const peakRssBytes = ownPeakRssBytes();
  fs.writeFileSync(job.resultFile, JSON.stringify({ ...result, peakRssBytes } satisfies WorkerResult));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
