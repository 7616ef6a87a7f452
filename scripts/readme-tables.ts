/**
 * The README's input and output tables are generated from task.json, the single source of truth,
 * so they cannot drift: `npm run docs` rewrites them, and a test fails when they differ.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
export const README_PATH = path.join(ROOT, 'README.md');

interface Input {
  name: string;
  type: string;
  label: string;
  defaultValue?: string | boolean;
  required?: boolean;
  helpMarkDown?: string;
  options?: Record<string, string>;
  groupName?: string;
}

interface Manifest {
  inputs: Input[];
  outputVariables: Array<{ name: string; description: string }>;
  groups: Array<{ name: string; displayName: string }>;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function typeOf(input: Input): string {
  if (input.type === 'pickList' && input.options)
    return Object.keys(input.options)
      .map((o) => `\`${o}\``)
      .join(' | ');
  if (input.type.startsWith('connectedService:')) return 'service connection (Azure Resource Manager)';
  return input.type;
}

/** The inputs table, one row per input, in task.json order. */
export function inputsTable(manifest: Manifest): string {
  const groups = new Map(manifest.groups.map((g) => [g.name, g.displayName]));
  const rows = manifest.inputs.map((input) => {
    const def =
      input.defaultValue === undefined || input.defaultValue === ''
        ? ''
        : `\`${String(input.defaultValue)}\``;
    const group = input.groupName ? (groups.get(input.groupName) ?? input.groupName) : '';
    const required = input.required ? 'yes' : '';
    return `| \`${input.name}\` | ${cell(typeOf(input))} | ${def} | ${required} | ${cell(group)} | ${cell(input.helpMarkDown ?? '')} |`;
  });
  return [
    '| input | type | default | required | group | what it does |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The output variables table. */
export function outputsTable(manifest: Manifest): string {
  const rows = manifest.outputVariables.map((o) => `| \`${o.name}\` | ${cell(o.description)} |`);
  return ['| variable | value |', '|---|---|', ...rows].join('\n');
}

function replaceBlock(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start (generated from task.json by npm run docs) -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no '${name}' block`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** README text with both tables regenerated from `manifest`. */
export function renderReadme(readme: string, manifest: Manifest): string {
  return replaceBlock(
    replaceBlock(readme, 'inputs', inputsTable(manifest)),
    'outputs',
    outputsTable(manifest),
  );
}

function loadManifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'task.json'), 'utf8')) as Manifest;
}

if (require.main === module) {
  const readme = fs.readFileSync(README_PATH, 'utf8');
  const next = renderReadme(readme, loadManifest());
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      process.stderr.write('README.md tables differ from task.json: run npm run docs\n');
      process.exitCode = 1;
    }
  } else if (next !== readme) {
    fs.writeFileSync(README_PATH, next);
    process.stdout.write('README.md tables updated from task.json\n');
  }
}
