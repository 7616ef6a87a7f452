/** Runs one worker job in a fresh Node process that trusts the emulator's CA from its start. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchNode, profilingArgs } from '../node-process';
import type { WorkerJob, WorkerResult } from './job';

const WORKER = path.resolve(__dirname, '..', 'worker.js');

export async function runWorker(
  job: Omit<WorkerJob, 'resultFile'>,
  options: { caPath: string; workDir: string; timeoutMs?: number },
): Promise<WorkerResult> {
  const base = path.join(options.workDir, `${job.mode}-${Date.now()}`);
  const full: WorkerJob = { ...job, resultFile: `${base}.result.json` };
  fs.writeFileSync(`${base}.job.json`, JSON.stringify(full));
  const child = spawn(benchNode(), [...profilingArgs(), WORKER, `${base}.job.json`], {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: options.caPath },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  if (code !== 0 || !fs.existsSync(full.resultFile)) {
    throw new Error(`the ${job.mode} worker failed (exit ${code}):\n${stderr.slice(-4000)}`);
  }
  return JSON.parse(fs.readFileSync(full.resultFile, 'utf8')) as WorkerResult;
}
