/**
 * What the orchestrator hands a worker process and what the worker hands back, as JSON files.
 * A worker is a fresh Node process started with the emulator's CA in NODE_EXTRA_CA_CERTS, so its
 * peak RSS (`VmHWM`, bench/peak-rss.ts) is the library's (or the naive script's) alone.
 */
import type { EmulatorUrls } from '../../emulator';
import type { WorkerIdentity } from '../org-shape';

export type WorkerMode = 'report' | 'rotate' | 'naive' | 'floor';

export interface WorkerJob {
  mode: WorkerMode;
  urls: EmulatorUrls;
  identity: WorkerIdentity;
  maxParallel: number;
  /** `rotate`: how many of the due connections to rotate (the rest are left alone). */
  rotateCount: number;
  /** `report`: discovery's attribution check (issue #14); false measures its cost. @default true */
  verifyAttribution?: boolean;
  /** `floor`: how many TestConnections to replay among the lists (see floor-run.ts). */
  floorChecks?: number;
  /** The emulator's propagation delay of new secrets, ms (0 unless a propagation row). */
  propagationMs?: number;
  /** Where the worker writes its {@link WorkerResult}. */
  resultFile: string;
}

export interface WorkerResult {
  mode: WorkerMode;
  /** Wall time of the measured part: discovery (`report`, `naive`) or plan execution (`rotate`). */
  wallMs: number;
  /**
   * CPU time (user + system) the worker spent over the measured part, ms: with `wallMs`, whether
   * the run waited on the network or on a processor shared with other work.
   */
  cpuMs?: number;
  /** Peak resident set size of the worker process over its whole life, in bytes. */
  peakRssBytes: number;
  /** Connections the discovery reported. */
  connectionsFound: number;
  /** `report`: reports whose expiry could be evaluated (status other than `unknown`). */
  evaluated?: number;
  /** `report`: reports by problem code (`lookup_failed` means Graph reads failed). */
  problems?: Record<string, number>;
  /** `rotate`: connections due under the default policy, and what happened to the ones rotated. */
  due?: number;
  rotated?: number;
  failed?: number;
  /** `rotate`: discovery + plan before the execution (not part of `wallMs`). */
  discoveryMs?: number;
  /** First failure messages of `rotate`, to see why, not only how many. */
  failures?: string[];
  /** `rotate`: most connections in progress at once (minted, not yet finished). */
  maxInProgress?: number;
  /** `rotate`: summed over connections, ms from the mint to the proof that the secret works. */
  propagationWaitMs?: number;
  /** `floor`: the requests replayed in the timed part. */
  requests?: number;
  /** `naive`: the TestConnections it sent and the wall time they took (part of `wallMs`). */
  checks?: number;
  checksMs?: number;
}
