import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { markdownCell } from '../../../lib/report/markdown-summary';
import type { TaskHost } from '../../../tasks/ServiceConnectionRotatorV1/agent-host';
import { safeHost } from '../../../tasks/ServiceConnectionRotatorV1/safe-host';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const EVIL = 'sc-##vso[task.setvariable variable=X;isOutput=true]pwned\n##[error]';
const SAFE = 'sc-##_vso[task.setvariable variable=X;isOutput=true]pwned\\n##_[error]';

function recordingHost(calls: unknown[][]): TaskHost {
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  return {
    getInput: () => undefined,
    getSecretInput: () => undefined,
    getVariable: () => undefined,
    getEndpointAuthorization: () => undefined,
    getEndpointDataParameter: () => undefined,
    setSecret: record('setSecret'),
    setOutput: record('setOutput'),
    setResult: record('setResult'),
    setProgress: record('setProgress'),
    uploadSummary: record('uploadSummary'),
    uploadArtifact: record('uploadArtifact'),
    addBuildTag: record('addBuildTag'),
    debug: record('debug'),
    warning: record('warning'),
    log: record('log'),
    group: record('group'),
  };
}

describe('safeHost: the one output sink of the task', () => {
  it('neutralises every printed string and passes secrets and the summary file unchanged', () => {
    const calls: unknown[][] = [];
    const host = safeHost(recordingHost(calls));
    host.log(EVIL);
    host.debug(EVIL);
    host.warning(EVIL);
    host.setProgress(5, EVIL);
    host.setResult('Failed', EVIL);
    host.setOutput('NextExpiry', EVIL);
    host.group(EVIL, [EVIL, 'plain']);
    host.setSecret(EVIL);
    host.uploadSummary('| a |');
    host.uploadArtifact(EVIL, EVIL, '/tmp/##vso[x]/report.json');
    host.addBuildTag(EVIL);
    assert.deepEqual(calls, [
      ['log', SAFE],
      ['debug', SAFE],
      ['warning', SAFE],
      ['setProgress', 5, SAFE],
      ['setResult', 'Failed', SAFE],
      ['setOutput', 'NextExpiry', SAFE],
      ['group', SAFE, [SAFE, 'plain']],
      ['setSecret', EVIL],
      ['uploadSummary', '| a |'],
      ['uploadArtifact', SAFE, SAFE, '/tmp/##vso[x]/report.json'],
      ['addBuildTag', SAFE],
    ]);
  });

  it('is the only way the task prints: no console, stdout or stderr outside agent-host.ts', () => {
    const dir = path.join(ROOT, 'tasks', 'ServiceConnectionRotatorV1');
    const offenders = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'agent-host.ts')
      .filter((f) =>
        /\bconsole\.|process\.(stdout|stderr)|from 'azure-pipelines-task-lib/.test(
          fs.readFileSync(path.join(dir, f), 'utf8'),
        ),
      );
    assert.deepEqual(offenders, []);
    const host = fs.readFileSync(path.join(dir, 'agent-host.ts'), 'utf8');
    assert.match(
      host,
      /export function agentHost\(\): TaskHost \{\n {2}return safeHost\(rawAgentHost\(\)\);/,
    );
  });
});

describe('markdownCell: service text in the summary table', () => {
  const table: Array<[string, string]> = [
    ['sc-prod', 'sc-prod'],
    ['a|b', 'a\\|b'],
    ['line1\nline2\r\nline3', 'line1 line2 line3'],
    ['<table><tr><td>x', '&lt;table&gt;&lt;tr&gt;&lt;td&gt;x'],
    ['<!-- hide the rest', '&lt;\\!-- hide the rest'],
    [
      '**bold** _it_ `code` [link](http://x)',
      '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\[link\\]\\(http://x\\)',
    ],
    ['back\\slash', 'back\\\\slash'],
    ['', '—'],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(markdownCell(input), expected);
    });
  }

  it('keeps a row at six cells whatever a name holds', () => {
    const row = `| a | ${markdownCell('x | y | z\n| w')} | b | c | d | e |`;
    // GFM splits cells on unescaped pipes only.
    assert.equal(row.split(/(?<!\\)\|/).length - 2, 6);
    assert.equal(row.includes('\n'), false);
  });
});
