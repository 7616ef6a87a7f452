/**
 * What the emulator's request log says about one measured phase: HTTP requests by service and
 * kind, Graph `$batch` items, 429s, and how the Graph writes sat against the write quota.
 */
import type { LoggedRequest } from '../emulator';

/** Graph's identity write quota per app and tenant (azure-apis.md §2.8). */
export const WRITE_QUOTA = { capacity: 3000, windowMs: 150_000 } as const;

export interface ServiceCounts {
  /** HTTP requests that change nothing (GET, OPTIONS, `$batch` of GETs, token and proxy POSTs). */
  reads: number;
  /** HTTP requests the emulator marks `write` (addPassword, removePassword, PUT endpoint, FIC create). */
  writes: number;
}

export interface RequestStats {
  /** Top-level HTTP requests (what crosses the network), by service. */
  byService: Record<'devops' | 'entra' | 'graph', ServiceCounts>;
  /** Top-level HTTP requests by operation name. */
  byOperation: Record<string, number>;
  /** Requests carried inside Graph `$batch` calls (not on the network themselves). */
  batchItems: number;
  /** Every 429, top-level or inside a batch. */
  throttled: number;
  /** 429s answered to Graph writes (the write quota). */
  writeThrottled: number;
  /** Graph writes: first to last arrival, ms. */
  writeSpanMs: number;
  /** Most Graph writes in any window of `WRITE_QUOTA.windowMs`. */
  maxWritesPerWindow: number;
  /**
   * Lowest token count of Graph's write bucket replayed over the writes' arrival times (starts
   * full, refills continuously). Below zero means the quota was exceeded.
   */
  writeBucketLow: number;
  /** Most HTTP requests in flight at once per service, as the emulator counted them at arrival. */
  maxInFlight: Record<'devops' | 'entra' | 'graph', number>;
}

/** Summarises the log entries of one phase. */
export function requestStats(log: readonly LoggedRequest[]): RequestStats {
  const byService: RequestStats['byService'] = {
    devops: { reads: 0, writes: 0 },
    entra: { reads: 0, writes: 0 },
    graph: { reads: 0, writes: 0 },
  };
  const byOperation: Record<string, number> = {};
  let batchItems = 0;
  let throttled = 0;
  let writeThrottled = 0;
  const graphWrites: number[] = [];
  const maxInFlight: RequestStats['maxInFlight'] = { devops: 0, entra: 0, graph: 0 };
  for (const entry of log) {
    const service = entry.service as keyof RequestStats['maxInFlight'];
    if (entry.inFlight !== undefined && service in maxInFlight)
      maxInFlight[service] = Math.max(maxInFlight[service], entry.inFlight);
    if (entry.status === 429) {
      throttled += 1;
      if (entry.write) writeThrottled += 1;
    }
    if (entry.batchSeq !== undefined) {
      batchItems += 1;
      if (entry.service === 'graph' && entry.write) graphWrites.push(Date.parse(entry.time));
      continue;
    }
    byOperation[entry.operation] = (byOperation[entry.operation] ?? 0) + 1;
    const counts = byService[entry.service as keyof RequestStats['byService']];
    if (!counts) continue;
    if (entry.write) counts.writes += 1;
    else counts.reads += 1;
    if (entry.service === 'graph' && entry.write) graphWrites.push(Date.parse(entry.time));
  }
  graphWrites.sort((a, b) => a - b);
  return {
    byService,
    byOperation,
    batchItems,
    throttled,
    writeThrottled,
    writeSpanMs: graphWrites.length > 1 ? graphWrites[graphWrites.length - 1]! - graphWrites[0]! : 0,
    maxWritesPerWindow: maxInWindow(graphWrites, WRITE_QUOTA.windowMs),
    writeBucketLow: bucketLow(graphWrites),
    maxInFlight,
  };
}

function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

function bucketLow(times: readonly number[]): number {
  const perMs = WRITE_QUOTA.capacity / WRITE_QUOTA.windowMs;
  let tokens: number = WRITE_QUOTA.capacity;
  let low: number = WRITE_QUOTA.capacity;
  let last = times[0] ?? 0;
  for (const time of times) {
    tokens = Math.min(WRITE_QUOTA.capacity, tokens + (time - last) * perMs) - 1;
    last = time;
    low = Math.min(low, tokens);
  }
  return Math.floor(low);
}
