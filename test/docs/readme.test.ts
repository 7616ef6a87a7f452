/**
 * The README and the example pipelines are what users copy: their input tables must match
 * task.json, and every YAML block must parse and use only inputs and values the task has.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { README_PATH, renderReadme } from '../../scripts/readme-tables';
import manifest from '../../task.json';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Step {
  task?: string;
  inputs?: Record<string, unknown>;
}

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function steps(document: unknown): Step[] {
  const found: Step[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.task === 'string') found.push(record as Step);
      Object.values(record).forEach(walk);
    }
  };
  walk(document);
  return found;
}

const sources: Array<[string, string]> = [
  ...yamlBlocks(fs.readFileSync(README_PATH, 'utf8')).map((y, i): [string, string] => [
    `README.md block ${i + 1}`,
    y,
  ]),
  ...fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yml'))
    .map((f): [string, string] => [`examples/${f}`, fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8')]),
  ['azure-pipelines.yml', fs.readFileSync(path.join(ROOT, 'azure-pipelines.yml'), 'utf8')],
];

describe('README and example pipelines', () => {
  it('has input and output tables generated from task.json (npm run docs)', () => {
    const readme = fs.readFileSync(README_PATH, 'utf8');
    assert.equal(renderReadme(readme, manifest as never), readme);
  });

  it('shows the two commands a new user runs', () => {
    const readme = fs.readFileSync(README_PATH, 'utf8');
    assert.match(readme, /npm ci && npm start/);
    assert.match(readme, /^npm test\b/m);
  });

  it('has YAML to copy in the README and in examples/', () => {
    assert.ok(sources.filter(([name]) => name.startsWith('README')).length >= 1);
    assert.ok(sources.filter(([name]) => name.startsWith('examples/')).length >= 2);
  });

  for (const [name, text] of sources) {
    it(`${name} parses and uses only inputs and values ServiceConnectionRotator@1 has`, () => {
      const document = parse(text) as unknown;
      const inputs = new Map(
        manifest.inputs.map((i) => [i.name, i as { type: string; options?: Record<string, string> }]),
      );
      for (const step of steps(document).filter((s) => s.task === 'ServiceConnectionRotator@1')) {
        assert.ok(step.inputs, `${name}: the step sets its inputs`);
        assert.ok('rotatorConnection' in step.inputs, `${name}: rotatorConnection is required`);
        for (const [key, value] of Object.entries(step.inputs)) {
          const input = inputs.get(key);
          assert.ok(input, `${name}: unknown input '${key}'`);
          if (input.type === 'pickList') {
            assert.ok(String(value) in (input.options ?? {}), `${name}: ${key}: '${value}' is not an option`);
          }
          if (input.type === 'boolean') assert.match(String(value), /^(true|false)$/, `${name}: ${key}`);
        }
      }
    });
  }
});
