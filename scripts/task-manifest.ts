/**
 * Validation of the task manifest (task.json). tfx only warns about task.json problems and still
 * writes a .vsix (task-ecosystem.md §4), so the build and the tests use this instead: the
 * official schema (draft-04, vendored in reference/schemas) plus the checks the schema lacks.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';

/** Fields tfx and the agent require but the schema does not list (task-ecosystem.md §3). */
const REQUIRED = [
  'id',
  'name',
  'friendlyName',
  'description',
  'author',
  'category',
  'version',
  'instanceNameFormat',
  'execution',
];

interface ManifestInput {
  name: string;
  type: string;
  groupName?: string;
  visibleRule?: string;
  helpMarkDown?: string;
  options?: Record<string, string>;
  defaultValue?: string | boolean;
}

interface Manifest {
  inputs?: ManifestInput[];
  groups?: Array<{ name: string; visibleRule?: string }>;
  outputVariables?: Array<{ name: string; description?: string }>;
  execution?: Record<string, { target: string }>;
}

/** Path of the vendored official schema. */
export const TASK_SCHEMA_PATH = path.join(__dirname, '..', '..', 'reference', 'schemas', 'tasks.schema.json');

/**
 * Every problem found in `manifest`, as readable lines; empty when valid. With `taskDir`, also
 * checks that each execution target exists there (the staged package).
 */
export function validateTaskManifest(manifest: unknown, taskDir?: string): string[] {
  const schema = JSON.parse(fs.readFileSync(TASK_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  schema.required = REQUIRED;
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  properties.friendlyName = { ...properties.friendlyName, maxLength: 40 };
  // Options that make ajv accept the official schema as written (task-ecosystem.md §3).
  const ajv = new Ajv({ allErrors: true, unicodeRegExp: false, allowUnionTypes: true, strict: false });
  const validate = ajv.compile(schema);
  const problems: string[] = [];
  if (!validate(manifest)) {
    for (const error of validate.errors ?? []) {
      problems.push(
        `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`,
      );
    }
  }

  const m = manifest as Manifest;
  const inputs = m.inputs ?? [];
  const inputNames = new Set<string>();
  for (const input of inputs) {
    if (inputNames.has(input.name)) problems.push(`input '${input.name}' is declared twice`);
    inputNames.add(input.name);
  }
  const groups = new Set((m.groups ?? []).map((g) => g.name));
  for (const input of inputs) {
    if (input.groupName && !groups.has(input.groupName)) {
      problems.push(`input '${input.name}' names group '${input.groupName}', which is not declared`);
    }
    if (!input.helpMarkDown || input.helpMarkDown.trim().length < 20) {
      problems.push(`input '${input.name}' has no help text`);
    }
    if (input.type === 'pickList' && (!input.options || Object.keys(input.options).length === 0)) {
      problems.push(`pickList input '${input.name}' has no options`);
    }
    if (input.type === 'pickList' && input.options && input.defaultValue !== undefined) {
      if (!(String(input.defaultValue) in input.options)) {
        problems.push(
          `input '${input.name}' defaults to '${input.defaultValue}', which is not one of its options`,
        );
      }
    }
  }
  const rules = [
    ...inputs.map((i) => ({ owner: `input '${i.name}'`, rule: i.visibleRule })),
    ...(m.groups ?? []).map((g) => ({ owner: `group '${g.name}'`, rule: g.visibleRule })),
  ];
  for (const { owner, rule } of rules) {
    if (!rule) continue;
    for (const clause of rule.split(/&&|\|\|/)) {
      const match =
        /^\s*([A-Za-z][A-Za-z0-9]*)\s*(=|!=|<|>|<=|>=|NotEndsWith|EndsWith|Contains|NotContains)\s*(.*)$/.exec(
          clause,
        );
      if (!match) problems.push(`${owner} has an unreadable visibleRule '${rule}'`);
      else if (!inputNames.has(match[1]!))
        problems.push(`${owner}'s visibleRule names unknown input '${match[1]}'`);
    }
  }
  const outputs = new Set<string>();
  for (const output of m.outputVariables ?? []) {
    if (outputs.has(output.name)) problems.push(`output variable '${output.name}' is declared twice`);
    outputs.add(output.name);
    if (!output.description) problems.push(`output variable '${output.name}' has no description`);
  }
  if (taskDir) {
    for (const [handler, { target }] of Object.entries(m.execution ?? {})) {
      if (!fs.existsSync(path.join(taskDir, target))) {
        problems.push(`execution.${handler}.target '${target}' does not exist in ${taskDir}`);
      }
    }
  }
  return problems;
}
