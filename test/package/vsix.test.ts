/**
 * `npm run package` as a user runs it: a .vsix that tfx accepts, under 1 MB, whose task folder
 * holds task.json, one bundle and the icon, nothing else (issue: "Ship it").
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pkg from '../../package.json';
import { packageExtension } from '../../scripts/package';
import { zipEntries } from '../support/zip-entries';

describe('the .vsix', function () {
  this.timeout(120_000);
  let vsixPath: string;
  let taskDir: string;
  let hubDir: string;

  before(() => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-vsix-'));
    const result = packageExtension({ stageDir: path.join(work, 'stage'), outDir: work });
    vsixPath = result.vsixPath;
    taskDir = result.taskDir;
    hubDir = result.hubDir;
  });

  it('is under 1 MB', () => {
    const size = fs.statSync(vsixPath).size;
    assert.ok(size < 1024 * 1024, `${size} bytes`);
  });

  it('holds the manifest, the overview, the icon, the task folder with the bundle, its two on-demand chunks, task.json and icon, and the page', () => {
    const names = zipEntries(vsixPath)
      .map((e) => e.name)
      .filter((name) => !name.endsWith('/'))
      .sort();
    assert.deepEqual(names, [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension.vsomanifest',
      'hub/hub.css',
      'hub/hub.js',
      'hub/index.html',
      'images/icon.png',
      'overview.md',
      'tasks/ServiceConnectionRotatorV1/icon.png',
      'tasks/ServiceConnectionRotatorV1/index.js',
      'tasks/ServiceConnectionRotatorV1/task.json',
      'tasks/ServiceConnectionRotatorV1/undici.js',
      'tasks/ServiceConnectionRotatorV1/x509.js',
    ]);
  });

  it('ships no node_modules: the bundle requires only Node and its own two chunks, loaded on demand', () => {
    const bundle = fs.readFileSync(path.join(taskDir, 'index.js'), 'utf8');
    assert.ok(
      !/require\(["'](azure-devops-node-api|@azure\/msal-node|azure-pipelines-task-lib|p-limit|undici|@peculiar)/.test(
        bundle,
      ),
    );
    const local = [...bundle.matchAll(/require\("(\.\/[^"]+)"\)/g)].map((m) => m[1]).sort();
    assert.deepEqual(local, ['./undici.js', './x509.js']);
    // The chunks stand alone too: no package is left to find at run time.
    for (const chunk of ['undici.js', 'x509.js']) {
      const text = fs.readFileSync(path.join(taskDir, chunk), 'utf8');
      assert.ok(!/require\(["'](undici|@peculiar|reflect-metadata|tsyringe|asn1js)["']\)/.test(text), chunk);
    }
  });

  it('stamps the package version into the staged task.json and the extension manifest', () => {
    const staged = JSON.parse(fs.readFileSync(path.join(taskDir, 'task.json'), 'utf8'));
    const { Major, Minor, Patch } = staged.version;
    assert.equal(`${Major}.${Minor}.${Patch}`, pkg.version);
    const manifest = fs.readFileSync(
      path.join(path.dirname(path.dirname(taskDir)), 'vss-extension.json'),
      'utf8',
    );
    assert.equal(JSON.parse(manifest).version, pkg.version);
    assert.match(path.basename(vsixPath), new RegExp(`-${pkg.version.replace(/\./g, '\\.')}\\.vsix$`));
  });

  it('contributes the health page to Organization and Project settings with read-only scopes', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(path.dirname(path.dirname(taskDir)), 'vss-extension.json'), 'utf8'),
    );
    // vso.build: runs and their artifacts; vso.project: the project list of the organization page.
    assert.deepEqual(manifest.scopes, ['vso.build', 'vso.project']);
    const hubs = manifest.contributions.filter((c: { type: string }) => c.type === 'ms.vss-web.hub');
    assert.deepEqual(
      hubs.map((c: { targets: string[]; properties: { uri: string; name: string } }) => [
        c.targets,
        c.properties.uri,
        c.properties.name,
      ]),
      [
        [['ms.vss-admin-web.collection-admin-hub-group'], 'hub/index.html', 'Service connection health'],
        [['ms.vss-web.project-admin-hub-group'], 'hub/index.html', 'Service connection health'],
      ],
    );
    const vsomanifest = zipEntries(vsixPath).find((e) => e.name === 'extension.vsomanifest');
    assert.ok(vsomanifest, 'tfx wrote the contributions');
  });

  it('ships the page as one bundle with no source map, within its budget of 150 KB', () => {
    const bundle = fs.readFileSync(path.join(hubDir, 'hub.js'), 'utf8');
    assert.ok(bundle.length < 150 * 1024, `hub.js is ${bundle.length} bytes`);
    assert.doesNotMatch(bundle, /sourceMappingURL|\brequire\(/);
    const html = fs.readFileSync(path.join(hubDir, 'index.html'), 'utf8');
    assert.match(html, /<script src="hub\.js"><\/script>/);
  });
});
