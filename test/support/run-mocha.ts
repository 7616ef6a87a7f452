// Starts mocha with a test CA already trusted. `NODE_EXTRA_CA_CERTS` is read only when a Node process
// starts, so the CA must exist before mocha does; emulators started inside the tests then sign their
// server certificate with it (`startEmulator({ caDir: process.env.SCR_EMULATOR_CA_DIR })`), and the real
// clients (azure-devops-node-api over `https`, msal-node over `fetch`) trust it unmodified.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertificateAuthority } from '../../emulator/tls';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'scr-test-ca-'));
  const ca = await ensureCertificateAuthority(dir);
  const child = spawn(process.execPath, [require.resolve('mocha/bin/mocha.js'), ...process.argv.slice(2)], {
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
