/**
 * Everything measured at one size, against one emulator process: `report`, then the naive
 * baseline (both read-only), then `rotate` (which changes the organization, so it comes last).
 * Each runs in its own worker process; the emulator's log is cleared before each and read after,
 * so every request count belongs to that phase alone.
 */
import os from 'node:os';
import { type EmulatorProcess, startEmulatorProcess } from './emulator-process';
import {
  discoveryLowerBound,
  type LowerBound,
  naiveRequestCount,
  type PipelinedBound,
  pipelinedDiscoveryBound,
} from './lower-bound';
import { type BenchSize, type OrgShape, prepareOrg } from './org-shape';
import { type RequestStats, requestStats } from './request-stats';
import type { WorkerMode, WorkerResult } from './workers/job';
import { runWorker } from './workers/spawn-worker';

export interface BenchSettings {
  latencyMs: number;
  maxParallel: number;
  /** Share of the connections rotated. */
  rotateShare: number;
  /** `report` runs per size; the median (by wall time) is reported. */
  reportRuns: number;
  caDir: string;
  workDir: string;
  log: (line: string) => void;
}

export interface PhaseResult {
  worker: WorkerResult;
  requests: RequestStats;
}

/** A phase with what else was using the machine meanwhile. */
interface MeasuredPhase extends PhaseResult {
  /** CPU ms the emulator process used over the phase; null where not measurable. */
  emulatorCpuMs: number | null;
  /** 1-minute load average as the phase started. */
  load1: number;
}

export interface SizeResult {
  size: BenchSize;
  shape: OrgShape;
  bound: LowerBound;
  /** The bound with Graph batches overlapping the lists (issue #13). */
  pipelined: PipelinedBound;
  /** The median run of `reportRuns` (the machine is shared; one sample is noisy). */
  report: PhaseResult;
  /** Wall time of every `report` run, ms, in order. */
  reportSamplesMs: number[];
  /**
   * One `report` run with discovery's attribution check off (issue #14), right after the others:
   * what verification costs is the difference.
   */
  reportUnverified: PhaseResult;
  /**
   * Per `report` run, in order: CPU ms of the worker over the discovery and of the emulator over
   * the run (null where not measurable), and the 1-minute load average as it started. On a
   * shared machine the wall time follows these, not only the latency bound.
   */
  reportCpu: { clientMs: number | null; emulatorMs: number | null; load1: number }[];
  /** Requests the naive script sends for this organization (`naiveRequestCount`). */
  naiveRequests: number;
  /** The same without its attribution checks. */
  naiveRequestsUnverified: number;
  /** Measured only where `size.naive`. */
  naive: PhaseResult | null;
  rotate: PhaseResult & { requested: number };
}

export async function measureSize(size: BenchSize, settings: BenchSettings): Promise<SizeResult> {
  const label = `${size.connections} connections / ${size.projects} projects`;
  const org = prepareOrg(size, settings.workDir);
  const emulator = await startEmulatorProcess({
    orgFile: org.file,
    caDir: settings.caDir,
    latencyMs: settings.latencyMs,
    workDir: settings.workDir,
  });
  const phase = async (
    mode: WorkerMode,
    rotateCount = 0,
    verifyAttribution = true,
  ): Promise<MeasuredPhase> => {
    settings.log(`  ${label}: ${mode}${verifyAttribution ? '' : ' (attribution unverified)'}…`);
    await emulator.clearRequests();
    const load1 = os.loadavg()[0]!;
    const cpuBefore = emulator.cpuMs();
    const worker = await runWorker(
      {
        mode,
        urls: emulator.urls,
        identity: org.identity,
        maxParallel: settings.maxParallel,
        rotateCount,
        verifyAttribution,
      },
      { caPath: emulator.caPath, workDir: settings.workDir },
    );
    const cpuAfter = emulator.cpuMs();
    const emulatorCpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
    return { worker, requests: requestStats(await emulator.requests()), emulatorCpuMs, load1 };
  };
  try {
    const runs: MeasuredPhase[] = [];
    for (let i = 0; i < Math.max(1, settings.reportRuns); i += 1) runs.push(await phase('report'));
    const byWall = [...runs].sort((a, b) => a.worker.wallMs - b.worker.wallMs);
    const report = byWall[Math.floor((byWall.length - 1) / 2)]!;
    const reportUnverified = await phase('report', 0, false);
    const naive = size.naive ? await phase('naive') : null;
    const requested = Math.round(size.connections * settings.rotateShare);
    const rotate = { ...(await phase('rotate', requested)), requested };
    return {
      size,
      shape: org.shape,
      bound: discoveryLowerBound(org.shape, settings.latencyMs, settings.maxParallel),
      pipelined: pipelinedDiscoveryBound(org.shape, settings.latencyMs, settings.maxParallel),
      report,
      reportSamplesMs: runs.map((r) => r.worker.wallMs),
      reportUnverified,
      reportCpu: runs.map((r) => ({
        clientMs: r.worker.cpuMs ?? null,
        emulatorMs: r.emulatorCpuMs,
        load1: r.load1,
      })),
      naiveRequests: naiveRequestCount(org.shape),
      naiveRequestsUnverified: naiveRequestCount(org.shape, false),
      naive,
      rotate,
    };
  } finally {
    await stop(emulator);
  }
}

async function stop(emulator: EmulatorProcess): Promise<void> {
  try {
    await emulator.stop();
  } catch {
    // A failed stop must not hide the measurement's own error.
  }
}
