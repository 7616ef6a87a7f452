import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { loadReports, type ReportSource, runsToRead, type TaggedRun } from '../../../hub/model/load-reports';
import { zipArchive } from '../../support/zip-writer';
import { at, row, run, runReport } from './hub-builders';

const inflateRaw = async (data: Uint8Array) => new Uint8Array(zlib.inflateRawSync(data));

function tagged(buildId: number, definitionId: number, projectName = 'Ops'): TaggedRun {
  return { ...run(buildId, { projectName, projectId: `p-${projectName}` }), definitionId };
}

/** A fake Azure DevOps: runs per project name, artifacts per build id; records what was asked. */
function fakeSource(
  runs: Record<string, TaggedRun[] | Error>,
  artifacts: Record<number, Buffer | null | Error>,
) {
  const asked: string[] = [];
  const source: ReportSource = {
    taggedRuns: async (project) => {
      asked.push(`runs ${project.name}`);
      const r = runs[project.name];
      if (r instanceof Error) throw r;
      return r ?? [];
    },
    artifactZip: async (r) => {
      asked.push(`artifact ${r.buildId}`);
      const a = artifacts[r.buildId];
      if (a instanceof Error) throw a;
      return a ? new Uint8Array(a) : null;
    },
  };
  return { source, asked };
}

describe('health page: finding and reading the published reports', () => {
  it('reads the newest two runs of each pipeline, at most the cap', () => {
    const runs = [tagged(9, 1), tagged(8, 2), tagged(7, 1), tagged(6, 1), tagged(5, 3), tagged(4, 2)];
    assert.deepEqual(
      runsToRead(runs, 2, 20).map((r) => r.buildId),
      [9, 8, 7, 5, 4],
    );
    assert.deepEqual(
      runsToRead(runs, 2, 3).map((r) => r.buildId),
      [9, 8, 7],
    );
  });

  it('reads every report of every job folder, and says what it could not read without stopping', async () => {
    const ops = runReport([row({ name: 'a' })], { projects: ['Ops'] });
    const web = runReport([row({ name: 'b' })], { projects: ['Web'], finishedAt: at(-1) });
    const { source, asked } = fakeSource(
      { Ops: [tagged(3, 1), tagged(2, 1)], Web: [tagged(1, 5, 'Web')], Broken: new Error('HTTP 500') },
      {
        3: zipArchive([
          {
            name: 'ServiceConnectionRotatorReport/job-1/service-connection-rotator.json',
            data: JSON.stringify(ops),
          },
          {
            name: 'ServiceConnectionRotatorReport/job-2/service-connection-rotator.json',
            data: JSON.stringify(web),
          },
          { name: 'ServiceConnectionRotatorReport/job-3/service-connection-rotator.json', data: '{oops' },
        ]),
        2: null,
        1: Buffer.from('<html>not a zip</html>'),
      },
    );
    const projects = ['Ops', 'Web', 'Broken'].map((name) => ({ id: `p-${name}`, name }));
    const result = await loadReports(source, projects, { inflateRaw, parallel: 1 });
    assert.deepEqual(
      result.published.map((p) => [p.run.buildId, p.report.projects, p.report.connections[0]!.name]),
      [
        [3, ['Ops'], 'a'],
        [3, ['Web'], 'b'],
      ],
    );
    assert.equal(result.runsRead, 3);
    assert.deepEqual(result.problems, [
      'Project Broken: the runs could not be listed: HTTP 500',
      'rotate-secrets #20261204.3 (Ops): ServiceConnectionRotatorReport/job-3/service-connection-rotator.json: not JSON',
      'rotate-secrets #20261204.2 (Ops): the artifact ServiceConnectionRotatorReport is gone (retention or deleted).',
      'rotate-secrets #20261204.1 (Web): the artifact could not be read: zip: no end of central directory',
    ]);
    assert.deepEqual(asked, [
      'runs Ops',
      'runs Web',
      'runs Broken',
      'artifact 3',
      'artifact 2',
      'artifact 1',
    ]);
  });

  it('finds nothing in projects without tagged runs (the empty state), with one request per project', async () => {
    const { source, asked } = fakeSource({}, {});
    const result = await loadReports(source, [{ id: '1', name: 'Ops' }], { inflateRaw });
    assert.deepEqual(result, { published: [], runsRead: 0, problems: [] });
    assert.deepEqual(asked, ['runs Ops']);
  });
});
