import assert from 'node:assert/strict';
import pkg from '../../package.json';
import { validateTaskManifest } from '../../scripts/task-manifest';
import manifest from '../../task.json';
import { INPUT_NAMES } from '../../tasks/ServiceConnectionRotatorV1/inputs';
import { OUTPUT_VARIABLES } from '../../tasks/ServiceConnectionRotatorV1/output-names';

describe('task.json', () => {
  it('is valid against the official schema and the checks it lacks', () => {
    assert.deepEqual(validateTaskManifest(manifest), []);
  });

  it('declares exactly the inputs the task reads', () => {
    assert.deepEqual(manifest.inputs.map((i) => i.name).sort(), [...INPUT_NAMES].sort());
  });

  it('declares exactly the output variables the task sets', () => {
    assert.deepEqual(manifest.outputVariables.map((o) => o.name).sort(), [...OUTPUT_VARIABLES].sort());
  });

  it('has the same version as package.json', () => {
    const { Major, Minor, Patch } = manifest.version;
    assert.equal(`${Major}.${Minor}.${Patch}`, pkg.version);
  });

  it('declares Node24 beside Node20_1 (the agent picks the highest it has), one target for both', () => {
    // The first agent with the Node24 handler is 4.265.1 (microsoft/azure-pipelines-tasks
    // docs/migrateNode24.md); older agents run Node20_1, so minimumAgentVersion stays for Node20_1.
    const execution = manifest.execution as Record<string, { target: string; argumentFormat: string }>;
    assert.deepEqual(Object.keys(execution), ['Node20_1', 'Node24']);
    assert.deepEqual(execution.Node24, execution.Node20_1);
  });

  it('runs on the Node 20 handler with the agent version that handler needs', () => {
    assert.ok('Node20_1' in manifest.execution);
    // Node20_1 needs agent 4.248.0 or later (microsoft/azure-pipelines-tasks docs/migrateNode20.md).
    assert.equal(manifest.minimumAgentVersion, '4.248.0');
  });

  const broken: Array<[string, (m: Record<string, unknown>) => void, RegExp]> = [
    [
      'a friendlyName over 40 characters',
      (m) => (m.friendlyName = 'x'.repeat(41)),
      /friendlyName must NOT have more than 40/,
    ],
    [
      'no instanceNameFormat',
      (m) => delete m.instanceNameFormat,
      /must have required property 'instanceNameFormat'/,
    ],
    [
      'an input in an undeclared group',
      (m) => ((m.inputs as Array<Record<string, unknown>>)[4]!.groupName = 'nope'),
      /names group 'nope'/,
    ],
    [
      'an input without help',
      (m) => delete (m.inputs as Array<Record<string, unknown>>)[0]!.helpMarkDown,
      /input 'action' has no help text/,
    ],
    [
      'a visibleRule on an unknown input',
      (m) => ((m.inputs as Array<Record<string, unknown>>)[0]!.visibleRule = 'nope = x'),
      /unknown input 'nope'/,
    ],
    [
      'an unsupported handler',
      (m) => (m.execution = { Node20: { target: 'index.js' } }),
      /must NOT have additional properties/,
    ],
  ];
  for (const [what, change, message] of broken) {
    it(`reports ${what}`, () => {
      const copy = structuredClone(manifest) as unknown as Record<string, unknown>;
      change(copy);
      assert.match(validateTaskManifest(copy).join('\n'), message);
    });
  }
});
