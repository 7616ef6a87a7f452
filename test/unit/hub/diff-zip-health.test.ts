import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { diffRuns } from '../../../hub/model/diff-runs';
import { buildHealth } from '../../../hub/model/health';
import { unzip, ZipFormatError } from '../../../hub/model/zip';
import { zipArchive } from '../../support/zip-writer';
import { at, expiring, NOW, published, row, runReport } from './hub-builders';

describe('health page: changed since the previous run', () => {
  const before = runReport([
    expiring('rotated-one', 'c1', 10, { status: 'warning' }),
    expiring('renewed-by-hand', 'c2', 5, { status: 'critical' }),
    expiring('steady', 'c3', 100),
    expiring('gone', 'c4', 100),
    row({ id: 'c5', name: 'broke', failed: false }),
    row({ id: 'c6', name: 'fixed', failed: true, status: 'unknown', expiresAt: null }),
  ]);
  const after = runReport([
    expiring('rotated-one', 'c1', 180, {
      action: 'rotated',
      detail: 'Rotated (due): new secret 1234abcd valid until 2027-06-02.',
    }),
    expiring('renewed-by-hand', 'C2', 300),
    expiring('steady', 'c3', 100),
    row({
      id: 'c5',
      name: 'broke',
      failed: true,
      status: 'unknown',
      expiresAt: null,
      detail: 'The application was deleted.',
    }),
    row({ id: 'c6', name: 'fixed', failed: false }),
    expiring('new-one', 'c7', 50),
  ]);

  it('names each change of each connection, once', () => {
    assert.deepEqual(
      diffRuns(before, after).map((c) => [c.connection, c.kind, c.text]),
      [
        ['rotated-one', 'acted', 'rotated: Rotated (due): new secret 1234abcd valid until 2027-06-02.'],
        ['rotated-one', 'status', 'Status warning → ok.'],
        ['renewed-by-hand', 'status', 'Status critical → ok.'],
        ['renewed-by-hand', 'expiry', `Expiry ${at(5).slice(0, 10)} → ${at(300).slice(0, 10)}.`],
        ['broke', 'failing', 'Now needs action: The application was deleted.'],
        ['broke', 'status', 'Status ok → unknown.'],
        ['broke', 'expiry', `Expiry ${at(100).slice(0, 10)} → none.`],
        ['fixed', 'recovered', 'No longer failing.'],
        ['fixed', 'status', 'Status unknown → ok.'],
        ['fixed', 'expiry', `Expiry none → ${at(100).slice(0, 10)}.`],
        ['new-one', 'added', 'New in scope (ok).'],
        ['gone', 'removed', 'No longer in scope (deleted, renamed out of the filter, or unshared).'],
      ],
    );
  });

  it('has nothing to compare in a first run, and nothing changed in an identical one', () => {
    assert.deepEqual(diffRuns(null, after), []);
    assert.deepEqual(diffRuns(before, before), []);
  });
});

const inflate = async (data: Uint8Array) => new Uint8Array(zlib.inflateRawSync(data));

describe('health page: reading the artifact zip', () => {
  it('reads deflated and stored files, skips directories and what the filter refuses', async () => {
    const bytes = zipArchive([
      { name: 'ServiceConnectionRotatorReport/', data: '' },
      { name: 'ServiceConnectionRotatorReport/job-a/r.json', data: '{"a":1}' },
      { name: 'ServiceConnectionRotatorReport/job-b/r.json', data: '{"b":2}', method: 'store' },
      { name: 'ServiceConnectionRotatorReport/notes.txt', data: 'x' },
    ]);
    const files = await unzip(new Uint8Array(bytes), inflate, (n) => n.endsWith('.json'));
    assert.deepEqual(
      files.map((f) => [f.name, new TextDecoder().decode(f.data)]),
      [
        ['ServiceConnectionRotatorReport/job-a/r.json', '{"a":1}'],
        ['ServiceConnectionRotatorReport/job-b/r.json', '{"b":2}'],
      ],
    );
  });

  it('reads with the DecompressionStream the page uses', async () => {
    const viaStream = async (data: Uint8Array) => {
      const stream = new Blob([data as Uint8Array<ArrayBuffer>])
        .stream()
        .pipeThrough(new DecompressionStream('deflate-raw'));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    };
    const text = JSON.stringify({ big: 'x'.repeat(10_000) });
    const files = await unzip(new Uint8Array(zipArchive([{ name: 'r.json', data: text }])), viaStream);
    assert.equal(new TextDecoder().decode(files[0]!.data), text);
  });

  const broken: Array<[string, Uint8Array]> = [
    ['not a zip', new TextEncoder().encode('<html>sign in</html>')],
    ['empty', new Uint8Array(0)],
    ['truncated', new Uint8Array(zipArchive([{ name: 'r.json', data: 'x'.repeat(500) }])).subarray(40)],
  ];
  for (const [name, bytes] of broken) {
    it(`refuses ${name} with a ZipFormatError`, async () => {
      await assert.rejects(unzip(bytes, inflate), ZipFormatError);
    });
  }
});

describe('health page: the whole view', () => {
  it('is empty with no report, with every count 0 and no point', () => {
    const view = buildHealth([], NOW);
    assert.equal(view.empty, true);
    assert.deepEqual(view.rows, []);
    assert.deepEqual(view.counts, { failed: 0, expired: 0, critical: 0, warning: 0, unknown: 0, ok: 0 });
    assert.deepEqual(view.timeline.points, []);
    assert.deepEqual(view.countdown.connections, []);
  });

  it('shows each scope’s changes with links to both runs', () => {
    const first = published(1, [expiring('a', 'c1', 10, { status: 'warning' })], { finishedAt: at(-1) });
    const second = published(2, [expiring('a', 'c1', 180, { action: 'rotated', detail: 'Rotated.' })]);
    const view = buildHealth([first, second], NOW);
    assert.equal(view.empty, false);
    assert.deepEqual(
      view.changes.map((c) => [c.latest.url, c.previous?.url, c.changes.map((x) => x.kind)]),
      [[second.run.url, first.run.url, ['acted', 'status']]],
    );
    assert.deepEqual(
      view.rows.map((r) => [r.connection, r.status, r.daysLeft, r.run.buildId]),
      [['a', 'ok', 180, 2]],
    );
  });
});
