/**
 * The library as another task gets it: `npm pack`, unpacked into a scratch project that can reach
 * only the declared dependencies, then required from JavaScript (calling the public API against
 * the emulator) and type-checked from TypeScript.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Emulator, OrgDescription } from '../../emulator';
import pkg from '../../package.json';
import { rotatorEndpoint } from '../../scripts/agent/emulator-agent';
import { orgWithRotatorVariants, ROTATOR_SECRET_CONNECTION, startFor } from '../task/task-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const execFileAsync = promisify(execFile);

describe('the npm package of the library', function () {
  this.timeout(120_000);
  let scratch: string;
  let files: string[];

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-consumer-'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const [packed] = JSON.parse(out.slice(out.indexOf('['))) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    files = packed!.files.map((f) => f.path);
    const target = path.join(scratch, 'node_modules', pkg.name);
    fs.mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(scratch, packed!.filename), '-C', target, '--strip-components=1']);
    // Only the declared dependencies are reachable, as after `npm install` of the tarball.
    for (const dependency of Object.keys(pkg.dependencies)) {
      const link = path.join(scratch, 'node_modules', dependency);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules', dependency), link, 'dir');
    }
  });

  it('contains compiled JavaScript and declarations of lib/, and the CLI', () => {
    const unexpected = files.filter(
      (f) =>
        !/^dist\/lib\/.+\.(js|d\.ts)$/.test(f) &&
        !/^dist\/cli\/.+\.js$/.test(f) &&
        !['package.json', 'README.md', 'LICENSE'].includes(f),
    );
    assert.deepEqual(unexpected, []);
    assert.ok(files.includes('dist/lib/index.js') && files.includes('dist/lib/index.d.ts'));
    assert.ok(files.includes('dist/lib/engine.js') && files.includes('dist/lib/engine.d.ts'));
    assert.equal(pkg.bin['service-connection-rotator'], 'dist/cli/index.js');
    assert.ok(files.includes(pkg.bin['service-connection-rotator']));
    assert.ok(
      !files.some((f) => f.startsWith('dist/tasks') || f.startsWith('dist/emulator') || f.endsWith('.map')),
    );
  });

  describe('used by another task', () => {
    let emulator: Emulator;
    let org: OrgDescription;

    before(async () => {
      org = orgWithRotatorVariants();
      emulator = await startFor(org);
    });

    after(async () => {
      await emulator.close();
    });

    it('discovers connections through the public API, from a scratch project', async () => {
      const rotator = (org.serviceConnections ?? []).find((c) => c.name === 'rotator-wif')!;
      const job = (org.identities ?? []).find((i) => i.kind === 'build')!.accessToken!;
      const platform = (org.projects ?? []).find((p) => p.name === 'Platform')!;
      const consumer = `
        const { connect } = require('${pkg.name}');
        const engine = require('${pkg.name}/engine');
        (async () => {
          const rotator = connect({
            organizationUrl: process.env.ORG_URL,
            rotator: {
              tenantId: '${rotator.tenantId}',
              appId: '${rotator.appId}',
              credential: { kind: 'federated', oidcRequestUri: process.env.OIDC_URI, jobToken: process.env.JOB_TOKEN, serviceConnectionId: '${rotator.id}' },
            },
            devOps: { kind: 'bearer', token: process.env.JOB_TOKEN },
            graphUrl: process.env.GRAPH_URL,
            authorityHost: process.env.AUTHORITY_HOST,
            connections: '*-deploy',
          });
          const inventory = await rotator.discover();
          const plan = rotator.plan(inventory);
          process.stdout.write(JSON.stringify({
            statuses: inventory.connections.map((c) => c.name + ':' + c.status),
            rotate: plan.entries.filter((e) => e.action === 'rotate').map((e) => e.connectionName),
            engine: typeof engine.executePlan + ' ' + typeof engine.createClients,
          }));
        })().catch((e) => { console.error(e.code, e.message); process.exit(1); });`;
      fs.writeFileSync(path.join(scratch, 'consumer.js'), consumer);
      // Asynchronously: the emulator answers from this process's event loop.
      const { stdout: out } = await execFileAsync(process.execPath, ['consumer.js'], {
        cwd: scratch,
        encoding: 'utf8',
        env: {
          ...process.env,
          ORG_URL: emulator.urls.organization,
          GRAPH_URL: emulator.urls.graph,
          AUTHORITY_HOST: emulator.urls.authorityHost,
          OIDC_URI: emulator.oidcRequestUri(platform.id!),
          JOB_TOKEN: job,
        },
      });
      const result = JSON.parse(out) as { statuses: string[]; rotate: string[]; engine: string };
      assert.equal(result.engine, 'function function', 'the engine subpath resolves from the package');
      assert.deepEqual(result.statuses, [
        'auto-deploy:ok',
        'cert-deploy:ok',
        'fabrikam-deploy:unknown',
        'legacy-deploy:expired',
        'prod-deploy:ok',
        'shared-deploy:warning',
        'staging-deploy:warning',
      ]);
      assert.deepEqual(result.rotate.sort(), ['legacy-deploy', 'shared-deploy', 'staging-deploy']);
      assert.deepEqual(
        emulator.requests().filter((r) => r.write),
        [],
      );
    });

    it('runs the bin from the package with only the declared dependencies', async () => {
      const rotator = await rotatorEndpoint(emulator, ROTATOR_SECRET_CONNECTION);
      const bin = path.join(scratch, 'node_modules', pkg.name, pkg.bin['service-connection-rotator']);
      assert.match(fs.readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
      const run = await execFileAsync(
        process.execPath,
        [
          bin,
          'report',
          '--organization',
          emulator.urls.organization,
          '--graph-url',
          emulator.urls.graph,
          '--authority-host',
          emulator.urls.authorityHost,
          '--projects',
          'Platform',
          '--connections',
          'prod-deploy',
        ],
        {
          cwd: scratch,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
            AZURE_TENANT_ID: rotator.parameters.tenantid!,
            AZURE_CLIENT_ID: rotator.parameters.serviceprincipalid!,
            AZURE_CLIENT_SECRET: rotator.parameters.serviceprincipalkey!,
          },
        },
      );
      assert.match(run.stdout, /^ok +\d+ +prod-deploy +Platform +none /m);
      assert.match(run.stdout, /\nSucceeded: 1 service connection: all secrets ok\.\n$/);
    });

    it('runs examples/library/expiry-check.ts as pasted: compiled against the package, run against the emulator', async () => {
      fs.copyFileSync(
        path.join(ROOT, 'examples', 'library', 'expiry-check.ts'),
        path.join(scratch, 'expiry-check.ts'),
      );
      const types = path.join(scratch, 'node_modules', '@types', 'node');
      if (!fs.existsSync(types)) {
        fs.mkdirSync(path.dirname(types), { recursive: true });
        fs.symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), types, 'dir');
      }
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      await execFileAsync(
        process.execPath,
        [
          tsc,
          'expiry-check.ts',
          '--module',
          'commonjs',
          '--target',
          'ES2022',
          '--strict',
          '--types',
          'node',
          '--skipLibCheck',
        ],
        { cwd: scratch },
      );
      const rotator = await rotatorEndpoint(emulator, ROTATOR_SECRET_CONNECTION);
      const pat = (org.identities ?? []).find((i) => i.id === 'dana-admin')!.pat!;
      const run = await execFileAsync(process.execPath, ['expiry-check.js'], {
        cwd: scratch,
        encoding: 'utf8',
        env: {
          ...process.env,
          ORGANIZATION_URL: emulator.urls.organization,
          TENANT_ID: rotator.parameters.tenantid!,
          CLIENT_ID: rotator.parameters.serviceprincipalid!,
          CLIENT_SECRET: rotator.parameters.serviceprincipalkey!,
          AZURE_DEVOPS_PAT: pat,
          PROJECTS: 'Platform, Payments',
          GRAPH_URL: emulator.urls.graph,
          AUTHORITY_HOST: emulator.urls.authorityHost,
        },
      }).then(
        () => assert.fail('a connection has expired: the example must exit 1'),
        (error: { code: number; stdout: string }) => error,
      );
      assert.equal(run.code, 1);
      assert.match(run.stdout, /^expired {2}legacy-deploy/m);
      assert.match(run.stdout, /^warning {2}staging-deploy/m);
      assert.match(run.stdout, /critical or expired\.$/m);
    });

    it('type-checks a TypeScript consumer against the published declarations', () => {
      fs.writeFileSync(
        path.join(scratch, 'consumer.ts'),
        `import { type Inventory, type RotationPolicy, DEFAULT_ROTATION_POLICY, connect, InvalidInputError } from '${pkg.name}';
import { expiryStatus, plan } from '${pkg.name}/engine';
export function tooLong(): string[] {
  try {
    connect({ organizationUrl: 'https://dev.azure.com/x', rotator: { tenantId: 't', appId: 'a', credential: { kind: 'secret', clientSecret: 's' } }, devOps: { kind: 'rotator' }, secretLifetimeDays: 1000 });
    return [];
  } catch (error) {
    return error instanceof InvalidInputError ? error.problems.map((p) => p.option) : [];
  }
}
export function due(inventory: Inventory, now: number): string[] {
  const policy: RotationPolicy = { ...DEFAULT_ROTATION_POLICY, rotateWithinDays: 45 };
  const status: 'ok' | 'warning' | 'critical' | 'expired' = expiryStatus(now + 1, now, { warningDays: 30, failureDays: 7 });
  return plan(inventory, policy, now).entries.filter((e) => e.action === 'rotate').map((e) => e.connectionName + status);
}
`,
      );
      fs.writeFileSync(
        path.join(scratch, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            module: 'commonjs',
            target: 'ES2022',
            noEmit: true,
            types: [],
            skipLibCheck: true,
          },
          files: ['consumer.ts'],
        }),
      );
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const out = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
        cwd: scratch,
        encoding: 'utf8',
      });
      assert.equal(out.trim(), '');
    });
  });
});
