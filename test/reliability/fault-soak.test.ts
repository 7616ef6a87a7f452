/**
 * Fault soak (spec §5.4): an organization of 220 connections (the full run; 16 in `npm test`,
 * with 1–2 s propagation)
 * rotated under a steady rain of faults on every service: 10% throttling with `Retry-After` of
 * 1 or 2 s (waited out for real), 5% 503, 2% socket resets (half of them after the operation took
 * effect), Graph "concurrent requests" refusals, and new secrets that need 5 to 15 s to
 * propagate (each secret its own delay). The same organization rotated without any fault is the
 * reference: the end state must be the same, no connection may fail, and no connection may lose
 * its secret, at any moment (the witness checks every removal as it happens).
 */
import assert from 'node:assert/strict';
import { type Emulator, type FaultRuleInput, generateOrg, type OrgDescription } from '../../emulator';
import { createPrng } from '../../emulator/core/prng';
import { CONCURRENCY_SHAPES } from '../../emulator/faults';
import type { RunReport } from '../../lib/report/run-report';
import { stagedTaskDir, startFor } from '../task/task-harness';
import { CredentialWitness } from './support/credential-witness';
import { assertInvariants, productPasswords } from './support/invariants';
import { FULL, sized } from './support/mode';
import { survived } from './support/table';
import { outputsOf, runTaskJob } from './support/task-runs';

const SECTION = 'fault soak';

/** The faults of the soak, in evaluation order (the first firing non-delay rule decides). */
const FAULTS: readonly FaultRuleInput[] = [
  { id: '429-1s', kind: 'throttle', retryAfterSeconds: 1, probability: 0.05 },
  { id: '429-2s', kind: 'throttle', retryAfterSeconds: 2, probability: 0.0526 },
  { id: '503', kind: 'unavailable', retryAfterSeconds: 1, probability: 0.0588 },
  { id: 'reset', kind: 'reset', probability: 0.0121 },
  { id: 'reset-after-effect', kind: 'reset', afterEffect: true, probability: 0.0123 },
  // Graph's concurrency refusal in its four shapes (409, 503 with the message, 400 with the code,
  // 400 Request_BadRequest with only the message): the first four mints get one each, in turn,
  // then any Graph request may get the next shape.
  {
    id: 'graph-concurrency-shapes',
    operation: 'graph.applications.addPassword',
    kind: 'concurrency',
    shape: 'cycle',
    times: 4,
  },
  { id: 'graph-concurrency', service: 'graph', kind: 'concurrency', shape: 'cycle', probability: 0.05 },
];

const INPUTS = {
  action: 'rotate',
  projects: '*',
  connections: '*',
  automaticConnections: 'takeOver',
  maxParallel: '32',
};

function soakOrg(connections: number): OrgDescription {
  return generateOrg({
    projects: sized(2, 12),
    connections,
    seed: 20_261_123,
    orgName: 'soak',
    // Only connections that can succeed: the point is that faults make none of them fail.
    mix: { failed: 0, deletedApp: 0, disabledServicePrincipal: 0 },
  });
}

/** Per connection, what the run did and what it left: comparable between two emulators. */
function endState(report: RunReport, emulator: Emulator, witness: CredentialWitness) {
  return Object.fromEntries(
    report.connections.map((row) => {
      const connection = emulator.state.connection(row.id)!;
      const ours = productPasswords(emulator, row.id);
      return [
        row.name,
        {
          action: row.action,
          status: row.status,
          creationMode: connection.data.creationMode ?? null,
          recorded: /\[sc-rotator: keyId=/.test(connection.description),
          stores:
            witness.storedKeyId(row.id) === null
              ? 'none'
              : ours.some((p) => p.keyId === witness.storedKeyId(row.id))
                ? 'ours'
                : 'theirs',
          productPasswords: ours.length,
        },
      ];
    }),
  );
}

describe('reliability: a fault soak ends where a fault-free run ends', function () {
  this.timeout(900_000);
  const emulators: Emulator[] = [];
  const witnesses: CredentialWitness[] = [];

  before(() => {
    stagedTaskDir();
  });

  after(async () => {
    for (const w of witnesses) w.stop();
    await Promise.all(emulators.map((e) => e.close()));
  });

  const size = sized(16, 220);
  const [propagationMin, propagationMax] = FULL ? [5000, 15_000] : [1000, 2000];
  it(`rotates ${size} connections under 429, 503, resets, concurrency refusals and ${propagationMin / 1000}–${propagationMax / 1000} s propagation`, async () => {
    // The reference: the same organization, no faults.
    const cleanOrg = soakOrg(size);
    const clean = await startFor(cleanOrg, { seed: 3 });
    emulators.push(clean);
    const cleanWitness = new CredentialWitness(clean);
    witnesses.push(cleanWitness);
    const reference = await runTaskJob({
      section: SECTION,
      emulator: clean,
      org: cleanOrg,
      inputs: INPUTS,
      timeoutMs: 600_000,
    });
    assert.ok(reference.report, reference.resultMessage ?? 'no report');
    assert.equal(outputsOf(reference).FailedCount, '0');

    // The soak.
    const org = soakOrg(size);
    const e = await startFor(org, { seed: 3, latencyMs: 5 });
    emulators.push(e);
    const w = new CredentialWitness(e);
    witnesses.push(w);
    for (const rule of FAULTS) e.faults.add(rule);
    // Each secret minted gets its own propagation delay: the setting is redrawn every 100 ms.
    const draw = createPrng(42);
    const redraw = () => {
      e.faults.propagationDelayMs = propagationMin + Math.floor(draw() * (propagationMax - propagationMin));
    };
    redraw();
    const timer = setInterval(redraw, 100);
    let soak: Awaited<ReturnType<typeof runTaskJob>>;
    try {
      soak = await runTaskJob({ section: SECTION, emulator: e, org, inputs: INPUTS, timeoutMs: 600_000 });
    } finally {
      clearInterval(timer);
    }
    const log = e.requests();
    const count = (kind: string) => log.filter((r) => r.fault === kind).length;
    const shapes = (shape: string) => log.filter((r) => r.faultShape === shape).length;
    const total = log.length;
    e.faults.clear();
    e.faults.propagationDelayMs = 0;

    assert.ok(soak.report, soak.resultMessage ?? 'no report');
    assert.deepEqual(w.violations, [], 'no secret in use was removed, at any moment');
    assert.equal(outputsOf(soak).FailedCount, '0', soak.resultMessage ?? '');
    const rotated = soak.report.connections.filter((c) => c.action === 'rotated').length;
    assert.ok(rotated >= sized(4, 50), `a soak worth the name rotates many connections (${rotated})`);
    assert.deepEqual(endState(soak.report, e, w), endState(reference.report, clean, cleanWitness));
    const counts = await assertInvariants(
      e,
      w,
      { connections: w.initiallyStoring, graceHours: 24 },
      'after the soak',
    );
    assert.ok(
      count('throttle') > 0 && count('unavailable') > 0 && count('reset') > 0 && count('concurrency') > 0,
      'every kind of fault was injected',
    );
    for (const shape of CONCURRENCY_SHAPES)
      assert.ok(shapes(shape) > 0, `a ${shape} concurrency refusal was sent`);
    survived(
      SECTION,
      `${soak.report.connections.length} connections, ${rotated} rotated`,
      `${total} requests: ${count('throttle')} × 429 (Retry-After 1–2 s), ${count('unavailable')} × 503, ${count('reset')} resets, ${count('concurrency')} concurrency refusals (${CONCURRENCY_SHAPES.map((x) => `${shapes(x)} ${x}`).join(', ')}), propagation ${propagationMin / 1000}–${propagationMax / 1000} s; ${(soak.durationMs / 1000).toFixed(0)} s`,
    );
    survived(
      SECTION,
      'same end state as without faults',
      `0 failed, ${counts.tokens} stored secrets get a token, ${w.removals} removal(s), none in use`,
    );
  });

  // Issue #13: at scale, waiting for propagation must overlap. 500 due connections (the full run;
  // about 15 in `npm test`) with 5–15 s propagation and 10 % throttling, at the default
  // maxParallel of 8: every due connection is rotated, none fails, no secret in use is removed.
  const scaleConnections = sized(40, 1400);
  it(`rotates every due connection of ${scaleConnections} under 10 % 429s and ${propagationMin / 1000}–${propagationMax / 1000} s propagation, maxParallel 8`, async () => {
    const org = soakOrg(scaleConnections);
    const e = await startFor(org, { seed: 5, latencyMs: 5 });
    emulators.push(e);
    const w = new CredentialWitness(e);
    witnesses.push(w);
    e.faults.add({ id: '429-1s', kind: 'throttle', retryAfterSeconds: 1, probability: 0.1 });
    const draw = createPrng(43);
    const redraw = () => {
      e.faults.propagationDelayMs = propagationMin + Math.floor(draw() * (propagationMax - propagationMin));
    };
    redraw();
    const timer = setInterval(redraw, 100);
    let run: Awaited<ReturnType<typeof runTaskJob>>;
    try {
      run = await runTaskJob({
        section: SECTION,
        emulator: e,
        org,
        inputs: { ...INPUTS, maxParallel: '8', rotateWithinDays: '30' },
        timeoutMs: 600_000,
      });
    } finally {
      clearInterval(timer);
    }
    const log = e.requests();
    const throttled = log.filter((r) => r.fault === 'throttle').length;
    e.faults.clear();
    e.faults.propagationDelayMs = 0;

    assert.ok(run.report, run.resultMessage ?? 'no report');
    assert.deepEqual(w.violations, [], 'no secret in use was removed, at any moment');
    assert.equal(outputsOf(run).FailedCount, '0', run.resultMessage ?? '');
    const rotated = run.report.connections.filter((c) => c.action === 'rotated').length;
    const due = Number(/Plan: (\d+) to rotate/.exec(run.lines.join('\n'))?.[1] ?? Number.NaN);
    assert.equal(rotated, due, 'every due connection rotated');
    assert.ok(due >= sized(10, 500), `${due} due`);
    assert.ok(throttled > 0, 'throttling was injected');
    const counts = await assertInvariants(
      e,
      w,
      { connections: w.initiallyStoring, graceHours: 24 },
      'after the scale soak',
    );
    survived(
      SECTION,
      `${due} due of ${run.report.connections.length} connections, ${rotated} rotated, maxParallel 8`,
      `${log.length} requests: ${throttled} × 429 (10 %), propagation ${propagationMin / 1000}–${propagationMax / 1000} s; ${(run.durationMs / 1000).toFixed(0)} s; ${counts.tokens} stored secrets get a token, none in use removed`,
    );
  });
});
