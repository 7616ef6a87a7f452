/**
 * Bundles the "Service connection health" page (hub/page) for the browser:
 * `node dist/scripts/bundle-hub.js OUT_DIR` writes OUT_DIR/{index.html, hub.css, hub.js}.
 * One IIFE with the SDK, the Build and Core REST clients and the page's model; no source map in
 * the .vsix. The empty state shows the README's pipeline YAML, put in here so the two never drift.
 * `package.ts` runs it in a child process (esbuild's API is asynchronous), as it does the task's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..');
const PAGE = path.join(ROOT, 'hub', 'page');

/** The first ```yaml block of the README: the scheduled pipeline a new user copies. */
export function readmePipelineYaml(readme: string): string {
  const match = /```yaml\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no ```yaml block for the empty state');
  return match[1]!;
}

async function main(): Promise<void> {
  const outDir = process.argv[2];
  if (!outDir) throw new Error('usage: node dist/scripts/bundle-hub.js OUT_DIR');
  fs.mkdirSync(outDir, { recursive: true });
  const yaml = readmePipelineYaml(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  const result = await build({
    entryPoints: [path.join(PAGE, 'main.ts')],
    bundle: true,
    platform: 'browser',
    target: ['chrome103', 'firefox113', 'safari16.4', 'edge103'],
    format: 'iife',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    outfile: path.join(outDir, 'hub.js'),
    define: { PIPELINE_YAML: JSON.stringify(yaml) },
    logLevel: 'warning',
  });
  if (result.errors.length > 0) throw new Error(`esbuild reported ${result.errors.length} error(s)`);
  for (const file of ['index.html', 'hub.css'])
    fs.copyFileSync(path.join(PAGE, file), path.join(outDir, file));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bundle-hub: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
