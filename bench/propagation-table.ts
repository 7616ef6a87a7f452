/**
 * The rotation rows of `npm run bench` (issue #13): the rotation without propagation delay beside
 * the ones with it, each with its bound (measure-propagation.ts), where the time went, and the
 * budgets they are held to.
 */
import type { Budget } from './budgets';
import { type PropagationRow, rotationBound } from './measure-propagation';
import type { SizeResult } from './measure-size';
import { WRITE_QUOTA } from './request-stats';

const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const n2 = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const MB = 1_000_000;

/** The existing rotation of `size` (no propagation) as a row of this table. */
export function rowWithoutPropagation(
  s: SizeResult,
  settings: { latencyMs: number; maxParallel: number },
): PropagationRow {
  return {
    size: s.size,
    requested: s.rotate.requested,
    propagationMs: 0,
    phase: s.rotate,
    bound: rotationBound(s.rotate, settings, 0),
  };
}

export function renderPropagationTable(rows: readonly PropagationRow[]): string {
  const cells: [string, (r: PropagationRow) => string][] = [
    ['connections / due', (r) => `${n0(r.size.connections)} / ${n0(r.phase.worker.due ?? 0)}`],
    [
      'rotated of requested (failed)',
      (r) => `${n0(r.phase.worker.rotated ?? 0)} of ${n0(r.requested)} (${n0(r.phase.worker.failed ?? 0)})`,
    ],
    ['propagation delay s', (r) => n0(r.propagationMs / 1000)],
    ['wall ms (execution only)', (r) => n0(r.phase.worker.wallMs)],
    ['  bound ms = max(request, write) + propagation', (r) => n0(r.bound.boundMs)],
    [
      '  request bound ms (busiest service)',
      (r) => `${n0(r.bound.requestBoundMs)} (${r.bound.busiestService})`,
    ],
    ['  write-budget bound ms', (r) => n0(r.bound.writeBoundMs)],
    ['  wall / bound', (r) => n2(r.phase.worker.wallMs / r.bound.boundMs)],
    ['connections in progress (max)', (r) => n0(r.phase.worker.maxInProgress ?? 0)],
    [
      'requests in flight max devops / entra / graph',
      (r) => {
        const m = r.phase.requests.maxInFlight;
        return `${m.devops} / ${m.entra} / ${m.graph}`;
      },
    ],
    [
      'requests devops / entra / graph',
      (r) => {
        const b = r.phase.requests.byService;
        return `${n0(b.devops.reads + b.devops.writes)} / ${n0(b.entra.reads)} / ${n0(b.graph.reads + b.graph.writes)}`;
      },
    ],
    [
      'waiting on propagation: total s (mean per connection)',
      (r) => {
        const total = r.phase.worker.propagationWaitMs ?? 0;
        const rotated = Math.max(1, r.phase.worker.rotated ?? 0);
        return `${n0(total / 1000)} (${n2(total / rotated / 1000)})`;
      },
    ],
    [
      'graph writes (429s from write quota)',
      (r) => `${n0(r.phase.requests.byService.graph.writes)} (${n0(r.phase.requests.writeThrottled)})`,
    ],
    ['peak RSS MB', (r) => (r.phase.worker.peakRssBytes / MB).toFixed(1)],
  ];
  const header = ['ROTATE', ...rows.map((r) => `${n0(r.requested)} @ ${n0(r.propagationMs / 1000)} s`)];
  const body = cells.map(([label, cell]) => [label, ...rows.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((line) => line[i]!.length)));
  const line = (c: readonly string[]) =>
    `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
    '',
    `Bound: request bound = the busiest service's requests / maxParallel × latency; write-budget bound = max(0, Graph writes − ${n0(WRITE_QUOTA.capacity)}) / 20 per s; plus one propagation delay.`,
  ].join('\n');
}

/** Issue #13's rotation budgets. */
export function propagationBudgets(rows: readonly PropagationRow[]): Budget[] {
  const budgets: Budget[] = [];
  for (const r of rows.filter((x) => x.propagationMs > 0)) {
    const wall = r.phase.worker.wallMs;
    const clean = r.phase.requests.writeThrottled === 0 && (r.phase.worker.failed ?? 0) === 0;
    const all = (r.phase.worker.rotated ?? 0) === Math.min(r.requested, r.phase.worker.due ?? 0);
    const name = `rotate ${n0(r.requested)} at ${n0(r.propagationMs / 1000)} s propagation ≤ 1.3 × bound, 0 write 429s, none failed`;
    budgets.push({
      name,
      pass: wall <= 1.3 * r.bound.boundMs && clean && all,
      detail: `${n0(wall)} ms vs 1.3 × ${n0(r.bound.boundMs)} = ${n0(1.3 * r.bound.boundMs)} ms; ${r.phase.requests.writeThrottled} write 429s; ${r.phase.worker.rotated ?? 0} rotated, ${r.phase.worker.failed ?? 0} failed`,
    });
    if (r.requested >= 4000) {
      const rss = r.phase.worker.peakRssBytes;
      budgets.push({
        name: `rotate ${n0(r.requested)} peak RSS < 400 MB`,
        pass: rss < 400 * MB,
        detail: `${(rss / MB).toFixed(1)} MB`,
      });
    }
  }
  return budgets;
}
