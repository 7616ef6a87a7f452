/**
 * The one table `npm run bench` prints: a row per metric, a column per size, then the budgets.
 * Extrapolated values are marked `~`; everything else was measured in this run.
 */
import os from 'node:os';
import type { Budget } from './budgets';
import type { ColdStart } from './cold-start';
import type { SizeResult } from './measure-size';
import { type NaiveModel, naiveMs } from './naive-model';

const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const n1 = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const n2 = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const orNa = (n: number | null) => (n === null ? 'n/a' : n0(n));

type Row = [label: string, cell: (s: SizeResult) => string];

/** Top-level requests of a phase, all services. */
const total = (p: { requests: { byService: Record<string, { reads: number; writes: number }> } }) =>
  Object.values(p.requests.byService).reduce((sum, c) => sum + c.reads + c.writes, 0);

export function renderTable(
  sizes: readonly SizeResult[],
  model: NaiveModel | null,
  coldStart: ColdStart | null,
  budgets: readonly Budget[],
  settings: {
    latencyMs: number;
    maxParallel: number;
    reportRuns: number;
    loadBefore: readonly number[];
    node: string;
  },
): string {
  const rows: Row[] = [
    ['connections / projects', (s) => `${n0(s.shape.connections)} / ${n0(s.shape.projects)}`],
    [
      'AzureRM listed / shared',
      (s) => `${n0(s.shape.azureRmConnections)} / ${n0(s.shape.sharedConnections)}`,
    ],
    [
      'apps looked up / found / disabled SPs',
      (s) =>
        `${n0(s.shape.appsLookedUp)} / ${n0(s.shape.appsFound)} / ${n0(s.shape.disabledServicePrincipals)}`,
    ],
    [`REPORT wall ms (median of ${settings.reportRuns})`, (s) => n0(s.report.worker.wallMs)],
    ['  every run ms', (s) => s.reportSamplesMs.map(n0).join(' ')],
    ['  every run: client CPU ms', (s) => s.reportCpu.map((c) => orNa(c.clientMs)).join(' ')],
    ['  every run: emulator CPU ms', (s) => s.reportCpu.map((c) => orNa(c.emulatorMs)).join(' ')],
    ['  every run: load average (1 min)', (s) => s.reportCpu.map((c) => n2(c.load1)).join(' ')],
    ['  latency lower bound ms', (s) => `${n0(s.bound.boundMs)} (${s.bound.totalRounds} rounds)`],
    [
      '  rounds: routes+pages+lists+token+apps+SP pages+checks',
      (s) => {
        const r = s.bound.rounds;
        return `${r.routeDiscovery + r.endpointRoutes}+${r.projectPages}+${r.connectionLists}+${r.graphToken}+${r.appBatches}+${r.spPages}+${r.attributionChecks}`;
      },
    ],
    ['  measured / bound', (s) => n2(s.report.worker.wallMs / s.bound.boundMs)],
    [
      '  pipelined bound ms (Graph overlapping lists)',
      (s) => `${n0(s.pipelined.boundMs)} (${s.pipelined.totalRounds} rounds)`,
    ],
    ['  measured / pipelined bound', (s) => n2(s.report.worker.wallMs / s.pipelined.boundMs)],
    ['  peak RSS MB', (s) => n1(s.report.worker.peakRssBytes / 1e6)],
    ['  devops requests', (s) => n0(s.report.requests.byService.devops.reads)],
    [
      '  attribution checks: TestConnection (expected)',
      (s) =>
        `${n0(s.report.requests.byOperation['devops.endpointproxy.execute'] ?? 0)} (${n0(s.shape.attributionChecks)})`,
    ],
    [
      '  report without the checks ms (1 run)',
      (s) =>
        `${n0(s.reportUnverified.worker.wallMs)} (${n0(s.reportUnverified.requests.byOperation['devops.endpointproxy.execute'] ?? 0)} TestConnection)`,
    ],
    ['  entra requests', (s) => n0(s.report.requests.byService.entra.reads)],
    [
      '  graph reads (items in $batch)',
      (s) => `${n0(s.report.requests.byService.graph.reads)} (${n0(s.report.requests.batchItems)})`,
    ],
    ['  429s', (s) => n0(s.report.requests.throttled)],
    [
      'NAIVE wall ms, same checks (~ extrapolated)',
      (s) => {
        const naive = naiveMs(s, model);
        return naive ? `${naive.measured ? '' : '~'}${n0(naive.ms)}` : 'n/a';
      },
    ],
    [
      '  requests (expected)',
      (s) => (s.naive ? `${n0(total(s.naive))} (${n0(s.naiveRequests)})` : `~${n0(s.naiveRequests)}`),
    ],
    [
      '  of which TestConnection (expected)',
      (s) =>
        s.naive
          ? `${n0(s.naive.worker.checks ?? 0)} (${n0(s.shape.naiveAttributionChecks)})`
          : `~${n0(s.shape.naiveAttributionChecks)}`,
    ],
    [
      '  without the checks ms',
      (s) => {
        const naive = naiveMs(s, model, false);
        return naive ? `${naive.measured ? '' : '~'}${n0(naive.ms)}` : 'n/a';
      },
    ],
    ['  peak RSS MB', (s) => (s.naive ? n1(s.naive.worker.peakRssBytes / 1e6) : 'n/a')],
    [
      '  naive / report, both with the checks',
      (s) => {
        const naive = naiveMs(s, model);
        return naive ? `${naive.measured ? '' : '~'}${n1(naive.ms / s.report.worker.wallMs)}×` : 'n/a';
      },
    ],
    [
      '    at most: naive / pipelined bound',
      (s) => {
        const naive = naiveMs(s, model);
        return naive ? `${naive.measured ? '' : '~'}${n1(naive.ms / s.pipelined.boundMs)}×` : 'n/a';
      },
    ],
    [
      '  naive / report, both without the checks',
      (s) => {
        const naive = naiveMs(s, model, false);
        return naive
          ? `${naive.measured ? '' : '~'}${n1(naive.ms / s.reportUnverified.worker.wallMs)}×`
          : 'n/a';
      },
    ],
    [
      'ROTATE connections (due)',
      (s) =>
        `${n0(s.rotate.worker.rotated ?? 0)} of ${n0(s.rotate.requested)} (${n0(s.rotate.worker.due ?? 0)} due)`,
    ],
    ['  failed', (s) => n0(s.rotate.worker.failed ?? 0)],
    ['  wall ms (execution only)', (s) => n0(s.rotate.worker.wallMs)],
    ['  graph writes', (s) => n0(s.rotate.requests.byService.graph.writes)],
    [
      '  writes / s (quota 20/s, burst 3,000)',
      (s) => n1(s.rotate.requests.byService.graph.writes / (s.rotate.worker.wallMs / 1000)),
    ],
    ['  max writes in 150 s', (s) => n0(s.rotate.requests.maxWritesPerWindow)],
    [
      '  429s (from write quota)',
      (s) => `${n0(s.rotate.requests.throttled)} (${n0(s.rotate.requests.writeThrottled)})`,
    ],
    [
      '  requests devops / entra / graph',
      (s) => {
        const b = s.rotate.requests.byService;
        return `${n0(b.devops.reads + b.devops.writes)} / ${n0(b.entra.reads)} / ${n0(b.graph.reads + b.graph.writes)}`;
      },
    ],
    ['  peak RSS MB', (s) => n1(s.rotate.worker.peakRssBytes / 1e6)],
  ];
  const header = ['', ...sizes.map((s) => `${n0(s.size.connections)} conn.`)];
  const body = rows.map(([label, cell]) => [label, ...sizes.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [
    `Node ${settings.node}; latency ${settings.latencyMs} ms per request, maxParallel ${settings.maxParallel}; ` +
      `load average at start ${settings.loadBefore.map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} CPUs).`,
    line(header),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
    '',
  ];
  if (model) {
    out.push(
      `Naive model (least squares over ${model.points.length} measured runs): wall ms = ${n1(model.interceptMs)} + ${n2(model.slopeMs)} × requests.`,
    );
  }
  if (coldStart) {
    out.push(
      `Cold start (median of ${coldStart.runs}): node -e 0 ${n0(coldStart.nodeMedianMs)} ms, bundled task ${n0(coldStart.taskMedianMs)} ms ` +
        `(${coldStart.taskExit.message}). Bundle ${n0(coldStart.bundleBytes)} bytes, .vsix ${n0(coldStart.vsixBytes)} bytes.`,
    );
  }
  for (const s of sizes)
    out.push(`Pipelined bound at ${n0(s.size.connections)} connections: ${s.pipelined.derivation}.`);
  out.push('', 'Budgets:');
  for (const b of budgets)
    out.push(`  ${b.pass === null ? 'N/A ' : b.pass ? 'PASS' : 'FAIL'}  ${b.name}: ${b.detail}`);
  return out.join('\n');
}
