/**
 * Extra Node options for the processes a benchmark starts (workers and emulators), from
 * `SCR_BENCH_NODE_ARGS`, split on spaces: `SCR_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`
 * profiles both sides of a run. Node refuses `--cpu-prof` in NODE_OPTIONS, hence this variable.
 */
export function profilingArgs(): string[] {
  return (process.env.SCR_BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);
}
