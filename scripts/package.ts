/**
 * `npm run package`: bundles the task into one file, stages the extension under dist/extension
 * and writes dist/<id>-<version>.vsix with tfx. tfx treats task.json problems as warnings only
 * (task-ecosystem.md §4), so the manifest is validated here first and the build fails instead.
 *
 *   dist/extension/
 *     vss-extension.json, overview.md, images/icon.png
 *     tasks/ServiceConnectionRotatorV1/{task.json, index.js, icon.png}
 *     hub/{index.html, hub.css, hub.js}   the "Service connection health" page (issue #18)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { validateTaskManifest } from './task-manifest';

const ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_STAGE = path.join(ROOT, 'dist', 'extension');
const TASK_FOLDER = path.join('tasks', 'ServiceConnectionRotatorV1');

/** Paths of what a packaging run produced. */
export interface PackageResult {
  stageDir: string;
  taskDir: string;
  bundlePath: string;
  /** The staged page: index.html, hub.css, hub.js. */
  hubDir: string;
  vsixPath: string;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function fail(message: string): never {
  throw new Error(`package: ${message}`);
}

/**
 * Bundles the task entry into `outFile` (one CommonJS file, Node 20, no node_modules needed) with
 * `bundle-task.ts`, in a child process because it needs esbuild's asynchronous API.
 */
export function bundleTask(outFile: string): void {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'bundle-task.js'), outFile], {
    encoding: 'utf8',
  });
  if (run.status !== 0 || !fs.existsSync(outFile)) {
    fail(`bundling failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  }
  // esbuild's warnings, as when it ran in this process.
  if (run.stderr) process.stderr.write(run.stderr);
}

/** Bundles the health page into `outDir` with `bundle-hub.ts`, in a child process like the task. */
export function bundleHub(outDir: string): void {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'bundle-hub.js'), outDir], {
    encoding: 'utf8',
  });
  if (run.status !== 0 || !fs.existsSync(path.join(outDir, 'hub.js'))) {
    fail(`bundling the hub failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  }
  if (run.stderr) process.stderr.write(run.stderr);
}

/** Stages the extension and, unless `vsix` is false, runs tfx to write the .vsix. */
export function packageExtension(
  options: { vsix?: boolean; stageDir?: string; outDir?: string } = {},
): PackageResult {
  // Tests stage into their own folder so that a test run and `npm run package` never collide.
  const STAGE = options.stageDir ?? DEFAULT_STAGE;
  const pkg = readJson<{ version: string }>(path.join(ROOT, 'package.json'));
  const [major, minor, patch] = pkg.version.split('.').map(Number);
  const manifest = readJson<Record<string, unknown>>(path.join(ROOT, 'task.json'));
  const problems = validateTaskManifest(manifest);
  if (problems.length > 0) fail(`task.json is invalid:\n  ${problems.join('\n  ')}`);

  fs.rmSync(STAGE, { recursive: true, force: true });
  const taskDir = path.join(STAGE, TASK_FOLDER);
  fs.mkdirSync(taskDir, { recursive: true });
  fs.mkdirSync(path.join(STAGE, 'images'), { recursive: true });

  const bundlePath = path.join(taskDir, 'index.js');
  bundleTask(bundlePath);
  const stamped: Record<string, unknown> = {
    ...manifest,
    version: { Major: major, Minor: minor, Patch: patch },
  };
  delete stamped.$schema;
  fs.writeFileSync(path.join(taskDir, 'task.json'), `${JSON.stringify(stamped, null, 2)}\n`);
  fs.copyFileSync(path.join(ROOT, 'images', 'icon.png'), path.join(taskDir, 'icon.png'));
  const staged = validateTaskManifest(stamped, taskDir);
  if (staged.length > 0) fail(`staged task.json is invalid:\n  ${staged.join('\n  ')}`);

  const hubDir = path.join(STAGE, 'hub');
  bundleHub(hubDir);

  const extension = readJson<Record<string, unknown>>(path.join(ROOT, 'vss-extension.json'));
  extension.version = pkg.version;
  fs.writeFileSync(path.join(STAGE, 'vss-extension.json'), `${JSON.stringify(extension, null, 2)}\n`);
  fs.copyFileSync(path.join(ROOT, 'overview.md'), path.join(STAGE, 'overview.md'));
  fs.copyFileSync(path.join(ROOT, 'images', 'icon.png'), path.join(STAGE, 'images', 'icon.png'));

  const vsixPath = path.join(
    options.outDir ?? path.join(ROOT, 'dist'),
    `${String(extension.id)}-${pkg.version}.vsix`,
  );
  if (options.vsix !== false) {
    fs.rmSync(vsixPath, { force: true });
    const tfx = require.resolve('tfx-cli/_build/tfx-cli.js');
    const args = ['extension', 'create', '--root', STAGE, '--manifest-globs', 'vss-extension.json'];
    args.push('--output-path', vsixPath, '--no-prompt', '--no-color');
    const run = spawnSync(process.execPath, [tfx, ...args], { encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    // tfx exits 0 on task.json warnings; any warning about our task is a failure here.
    if (run.status !== 0 || /warning/i.test(output) || !fs.existsSync(vsixPath)) {
      fail(`tfx extension create failed (exit ${run.status}):\n${output}`);
    }
  }
  return { stageDir: STAGE, taskDir, bundlePath, hubDir, vsixPath };
}

if (require.main === module) {
  try {
    const result = packageExtension();
    const size = fs.statSync(result.vsixPath).size;
    const hub = fs.statSync(path.join(result.hubDir, 'hub.js')).size;
    process.stdout.write(
      `Wrote ${path.relative(ROOT, result.vsixPath)} (${(size / 1024).toFixed(0)} KiB; health page hub.js ${(hub / 1024).toFixed(1)} KiB)\n`,
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
