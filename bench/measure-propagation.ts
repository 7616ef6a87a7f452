/**
 * Rotation with a realistic propagation delay (issue #13): the emulator refuses each new secret
 * (AADSTS7000215) for `propagationMs`, as Entra does for 4–18 s. Each count runs on a fresh
 * emulator (rotating changes the organization), so both start from the same due connections.
 *
 * The bound a run is held to, from this run's own request log:
 * - request bound: the busiest service's top-level requests / maxParallel × latency (requests in
 *   flight are bounded per service, each costs at least the latency);
 * - write-budget bound: Graph's bucket holds 3,000 writes and refills at 20 / s, so writes beyond
 *   the first 3,000 need (writes − 3,000) / 20 s;
 * - bound = max(request bound, write-budget bound) + one propagation delay (the waits overlap,
 *   so a run pays one delay, not one per maxParallel connections).
 */
import { startEmulatorProcess } from './emulator-process';
import type { BenchSettings, PhaseResult } from './measure-size';
import { type BenchSize, prepareOrg } from './org-shape';
import { requestStats, WRITE_QUOTA } from './request-stats';
import { runWorker } from './workers/spawn-worker';

export interface RotationBound {
  requestBoundMs: number;
  /** The service whose requests set the request bound. */
  busiestService: string;
  writeBoundMs: number;
  propagationMs: number;
  boundMs: number;
}

export interface PropagationRow {
  size: BenchSize;
  requested: number;
  propagationMs: number;
  phase: PhaseResult;
  bound: RotationBound;
}

/** See the file comment. */
export function rotationBound(
  phase: PhaseResult,
  settings: Pick<BenchSettings, 'latencyMs' | 'maxParallel'>,
  propagationMs: number,
): RotationBound {
  let requestBoundMs = 0;
  let busiestService = 'none';
  for (const [service, counts] of Object.entries(phase.requests.byService)) {
    const ms = ((counts.reads + counts.writes) / settings.maxParallel) * settings.latencyMs;
    if (ms > requestBoundMs) {
      requestBoundMs = ms;
      busiestService = service;
    }
  }
  const refillPerMs = WRITE_QUOTA.capacity / WRITE_QUOTA.windowMs;
  const writes = phase.requests.byService.graph.writes;
  const writeBoundMs = Math.max(0, writes - WRITE_QUOTA.capacity) / refillPerMs;
  return {
    requestBoundMs,
    busiestService,
    writeBoundMs,
    propagationMs,
    boundMs: Math.max(requestBoundMs, writeBoundMs) + propagationMs,
  };
}

/** Rotates each of `counts` due connections of `size` with new secrets propagating in `propagationMs`. */
export async function measurePropagationRotations(
  size: BenchSize,
  counts: readonly number[],
  propagationMs: number,
  settings: BenchSettings,
): Promise<PropagationRow[]> {
  const rows: PropagationRow[] = [];
  for (const requested of counts) {
    const org = prepareOrg(size, settings.workDir);
    const emulator = await startEmulatorProcess({
      orgFile: org.file,
      caDir: settings.caDir,
      latencyMs: settings.latencyMs,
      workDir: settings.workDir,
      propagationMs,
    });
    try {
      settings.log(
        `  ${size.connections} connections: rotate ${requested} with ${propagationMs / 1000} s propagation…`,
      );
      await emulator.clearRequests();
      const worker = await runWorker(
        {
          mode: 'rotate',
          urls: emulator.urls,
          identity: org.identity,
          maxParallel: settings.maxParallel,
          rotateCount: requested,
          propagationMs,
        },
        { caPath: emulator.caPath, workDir: settings.workDir, timeoutMs: 900_000 },
      );
      const phase = { worker, requests: requestStats(await emulator.requests()) };
      rows.push({
        size,
        requested,
        propagationMs,
        phase,
        bound: rotationBound(phase, settings, propagationMs),
      });
    } finally {
      await emulator.stop().catch(() => {});
    }
  }
  return rows;
}
