/**
 * The shipped task's cold start and the `.vsix` size. The task is bundled and packaged as
 * `npm run package` does (into a temporary folder), then the bundle is started with an agent temp
 * directory and no inputs, so it loads everything and exits on the first missing input; that is
 * timed against `node -e 0`, interleaved, after warm-up runs, median of each.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageExtension } from '../scripts/package';
import { benchNode } from './node-process';

export interface ColdStart {
  runs: number;
  /** Median wall time of `node -e 0`, ms. */
  nodeMedianMs: number;
  /** Median wall time of the bundled task exiting on a missing input, ms. */
  taskMedianMs: number;
  /** 1.5 × node + 150 ms. */
  budgetMs: number;
  bundleBytes: number;
  vsixBytes: number;
  /** The task's own words when it stopped, to show it failed for the expected reason. */
  taskExit: { code: number | null; message: string };
}

const WARMUP = 3;

function timeRun(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { ms: number; code: number | null; stdout: string } {
  const started = process.hrtime.bigint();
  const run = spawnSync(benchNode(), args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, code: run.status, stdout: run.stdout };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function measureColdStart(workDir: string, runs = 20): ColdStart {
  const stageDir = path.join(workDir, 'extension');
  const { bundlePath, vsixPath } = packageExtension({ vsix: true, stageDir, outDir: workDir });
  const agentTemp = fs.mkdtempSync(path.join(workDir, 'agent-temp-'));
  // Only what a process needs to start; no INPUT_* and no ENDPOINT_* at all.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AGENT_TEMPDIRECTORY: agentTemp };
  const node: number[] = [];
  const task: number[] = [];
  let last = { ms: 0, code: null as number | null, stdout: '' };
  for (let i = 0; i < WARMUP + runs; i += 1) {
    // Interleaved, so a slow moment of the machine hits both series alike.
    const n = timeRun(['-e', '0'], env);
    last = timeRun([bundlePath], env);
    if (i >= WARMUP) {
      node.push(n.ms);
      task.push(last.ms);
    }
  }
  const result = /##vso\[task\.complete result=(\w+);?\](.*)/.exec(last.stdout);
  const nodeMedianMs = median(node);
  return {
    runs,
    nodeMedianMs,
    taskMedianMs: median(task),
    budgetMs: 1.5 * nodeMedianMs + 150,
    bundleBytes: fs.statSync(bundlePath).size,
    vsixBytes: fs.statSync(vsixPath).size,
    taskExit: { code: last.code, message: result ? `${result[1]}: ${result[2]}` : last.stdout.slice(-200) },
  };
}
