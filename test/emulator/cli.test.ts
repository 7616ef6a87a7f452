import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStore } from '../../emulator/state/load-org';
import { basicPat, call, demoOrg, named, testCaDir } from './helpers';

const DIST = join(__dirname, '..', '..');
const REPO = join(DIST, '..');
const CLI = join(DIST, 'emulator', 'cli.js');

async function waitFor(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('emulator: command line', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scr-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from an org file, writes the ready file, serves requests and stops on SIGTERM', async function () {
    this.timeout(20_000);
    const ready = join(dir, 'ready.json');
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--org',
        join(REPO, 'emulator', 'orgs', 'demo.json'),
        '--ca-dir',
        testCaDir(),
        '--ready-file',
        ready,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(ready, 15_000);
      const info = JSON.parse(readFileSync(ready, 'utf8')) as {
        urls: { organization: string; graph: string };
        caPath: string;
        pid: number;
      };
      assert.equal(info.caPath, join(testCaDir(), 'ca.pem'));
      assert.equal(info.pid, child.pid);
      const pat = named(demoOrg()).identity('dana-admin').pat!;
      const data = await call(`${info.urls.organization}_apis/connectionData`, { headers: basicPat(pat) });
      assert.equal(data.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(
        stdout,
        new RegExp(`NODE_EXTRA_CA_CERTS=${info.caPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
      assert.ok(stdout.includes(info.urls.organization));
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });

  it('fails with the reasons when the organization is invalid', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ organization: { name: 'x', id: 'not-a-guid' }, tenants: [], projects: [] }),
    );
    const result = spawnSync(process.execPath, [CLI, '--org', bad, '--ca-dir', testCaDir()], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /organization\.id: must match pattern/);
    assert.match(result.stderr, /tenants: must NOT have fewer than 1 items/);
  });

  it('generates an organization description on stdout', () => {
    const result = spawnSync(
      process.execPath,
      [
        join(DIST, 'emulator', 'orgs', 'generate.js'),
        '--projects',
        '4',
        '--connections',
        '40',
        '--seed',
        '9',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stderr);
    const org = JSON.parse(result.stdout) as unknown;
    const store = buildStore(org, new Date());
    assert.equal(store.allProjects().length, 4);
    assert.equal(store.connections.size, 41);
  });
});
