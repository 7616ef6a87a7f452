/**
 * `report` and `rotate` through the library's front door, wired as the pipeline task wires it
 * (`connect` with the rotator's workload identity federation, the job token for Azure DevOps,
 * `maxParallel`).
 */

import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { connect, type Inventory, type Plan, type Rotator } from '../../lib';
import type { WorkerJob, WorkerResult } from './job';

function rotatorFor(job: WorkerJob): Rotator {
  const { urls, identity } = job;
  return connect({
    organizationUrl: urls.organization,
    rotator: {
      tenantId: identity.tenantId,
      appId: identity.rotatorAppId,
      credential: {
        kind: 'federated',
        oidcRequestUri: `${urls.organization}${identity.homeProjectId}/_apis/distributedtask/hubs/build/plans/${randomUUID()}/jobs/${randomUUID()}/oidctoken`,
        jobToken: identity.jobToken,
        serviceConnectionId: identity.rotatorConnectionId,
      },
    },
    devOps: { kind: 'bearer', token: identity.jobToken },
    graphUrl: urls.graph,
    authorityHost: urls.authorityHost,
    maxParallel: job.maxParallel,
  });
}

/** Discovery and expiry, timed from the first request to the finished inventory. */
export async function runReport(job: WorkerJob): Promise<Omit<WorkerResult, 'peakRssBytes'>> {
  const rotator = rotatorFor(job);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const inventory = await rotator.discover({ verifyAttribution: job.verifyAttribution ?? true });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    mode: 'report',
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    connectionsFound: inventory.connections.length,
    evaluated: inventory.connections.filter((c) => c.status !== 'unknown').length,
    problems: countProblems(inventory),
  };
}

function countProblems(inventory: Inventory): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of inventory.connections) {
    if (c.problem) counts[c.problem.code] = (counts[c.problem.code] ?? 0) + 1;
  }
  return counts;
}

/**
 * Discovery and planning with the default policy, then the execution of the first `rotateCount`
 * due connections (in the plan's order; the other due ones are left for another run). Only the
 * execution is timed, and the emulator's request log is cleared just before it, so the
 * orchestrator's request counts are the rotation's own.
 */
export async function runRotate(job: WorkerJob): Promise<Omit<WorkerResult, 'peakRssBytes'>> {
  const rotator = rotatorFor(job);
  const started = performance.now();
  const inventory = await rotator.discover();
  const full = rotator.plan(inventory);
  const due = full.entries.filter((e) => e.action === 'rotate');
  const chosen = new Set(due.slice(0, job.rotateCount).map((e) => e.connectionId));
  const limited: Plan = {
    ...full,
    entries: full.entries.map((e) =>
      e.action === 'skip' || chosen.has(e.connectionId) ? e : { ...e, action: 'nothing', rotate: null },
    ),
  };
  const discoveryMs = performance.now() - started;
  await clearRequestLog(job.urls.admin);
  const executeStarted = performance.now();
  // Where the time goes: connections in progress (minted, not finished) and the time from each
  // mint to the proof that its secret works.
  const mintedAt = new Map<string, number>();
  let inProgress = 0;
  let maxInProgress = 0;
  let propagationWaitMs = 0;
  // No mask: the secrets are not kept, the benchmark only counts what happened.
  const results = await rotator.execute(limited, {
    onStep: (event) => {
      if (event.step === 'mint' && event.outcome === 'succeeded') {
        mintedAt.set(event.connectionId, performance.now());
        inProgress += 1;
        maxInProgress = Math.max(maxInProgress, inProgress);
      }
      if (event.step === 'prove_credential' && event.outcome === 'succeeded') {
        propagationWaitMs += performance.now() - (mintedAt.get(event.connectionId) ?? performance.now());
      }
    },
    onResult: (result) => {
      if (mintedAt.has(result.connectionId)) inProgress -= 1;
    },
  });
  const wallMs = performance.now() - executeStarted;
  const failed = results.filter((r) => r.action === 'failed' || r.action === 'race_lost');
  return {
    mode: 'rotate',
    wallMs,
    discoveryMs,
    connectionsFound: inventory.connections.length,
    due: due.length,
    rotated: results.filter((r) => r.action === 'rotated').length,
    failed: failed.length,
    maxInProgress,
    propagationWaitMs,
    failures: failed
      .slice(0, 5)
      .map((r) => `${r.connectionName}: ${r.error?.code ?? '?'} ${r.error?.message ?? ''}`),
  };
}

/** `DELETE /_admin/requests`; this process trusts the emulator's CA (NODE_EXTRA_CA_CERTS). */
function clearRequestLog(adminUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = https.request(`${adminUrl}requests`, { method: 'DELETE' }, (response) => {
      response.resume();
      response.on('end', () =>
        (response.statusCode ?? 500) < 400
          ? resolve()
          : reject(new Error(`clearing the log: ${response.statusCode}`)),
      );
    });
    request.on('error', reject);
    request.end();
  });
}
