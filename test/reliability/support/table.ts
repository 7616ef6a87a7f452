/**
 * The table of what the reliability suite tried and what survived, printed once after the run
 * (a root `after` hook), so CI logs show every crash point, fault, bad input and secret scan.
 * A test adds its rows only once its assertions passed; a failed test adds a FAILED row.
 */

interface Row {
  section: string;
  tried: string;
  detail: string;
  outcome: 'survived' | 'FAILED';
}

const rows: Row[] = [];
const hygiene = new Map<string, { runs: number; secrets: Set<string>; artifacts: number; lines: number }>();

/** Records what a passing test tried. */
export function survived(section: string, tried: string, detail: string): void {
  rows.push({ section, tried, detail, outcome: 'survived' });
}

/** Counts one secret scan of a task run (see `secret-scan.ts`). */
export function countScan(
  section: string,
  secrets: readonly string[],
  artifacts: number,
  lines: number,
): void {
  const entry = hygiene.get(section) ?? { runs: 0, secrets: new Set<string>(), artifacts: 0, lines: 0 };
  entry.runs += 1;
  for (const s of secrets) entry.secrets.add(s);
  entry.artifacts += artifacts;
  entry.lines += lines;
  hygiene.set(section, entry);
}

function render(): string {
  const all: Row[] = [...rows];
  let runs = 0;
  let artifacts = 0;
  let lines = 0;
  const secrets = new Set<string>();
  for (const [section, h] of hygiene) {
    all.push({
      section: 'secret hygiene',
      tried: section,
      detail: `${h.runs} task run(s), ${h.secrets.size} secret(s) searched in ${h.artifacts} artifact(s), ${h.lines} line(s): 0 leaks`,
      outcome: 'survived',
    });
    runs += h.runs;
    artifacts += h.artifacts;
    lines += h.lines;
    for (const s of h.secrets) secrets.add(s);
  }
  const failed = all.filter((r) => r.outcome === 'FAILED').length;
  const header = ['section', 'tried', 'detail', 'outcome'];
  const cells = all.map((r) => [
    r.section,
    r.tried,
    r.detail,
    r.outcome === 'survived' ? '✔ survived' : '✘ FAILED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [
    '',
    'Reliability: what was tried and survived',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    `${all.length} row(s), ${failed} failed; secret scans: ${runs} task run(s), ${secrets.size} distinct secret(s), ${artifacts} artifact(s), ${lines} line(s).`,
    '',
  ];
  return out.join('\n');
}

// Root hooks, registered once however many test files import this module.
afterEach(function () {
  const test = this.currentTest;
  if (test?.state === 'failed' && test.file?.includes(`${'reliability'}`)) {
    rows.push({
      section: 'FAILED',
      tried: test.fullTitle(),
      detail: test.err?.message.split('\n')[0] ?? '',
      outcome: 'FAILED',
    });
  }
});

after(() => {
  if (rows.length > 0 || hygiene.size > 0) process.stdout.write(`${render()}\n`);
});
