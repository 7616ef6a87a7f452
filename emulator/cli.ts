// The emulator as a program: `node dist/emulator/cli.js --org emulator/orgs/demo.json`. It prints the
// URLs and the CA to trust, and runs until SIGINT/SIGTERM. `--ready-file` lets a parent process
// start it as a child and learn where it listens.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCaDir, type Emulator, startEmulator } from './index';

const USAGE = `Usage: node dist/emulator/cli.js --org FILE [options]

  --org FILE          organization description (JSON, see emulator/README.md)
  --latency-ms N      milliseconds added to every request (default 0)
  --propagation-ms N  how long a new secret fails with AADSTS7000215 (default 0)
  --ca-dir DIR        CA directory (default ${defaultCaDir()})
  --port-base N       devops N, entra N+1, graph N+2 (default: ephemeral ports)
  --seed N            seed for fault probabilities and $batch order (default 1)
  --ready-file FILE   write {urls, caPath, org, pid} as JSON once listening
  --warm-certificates generate every key credential's certificate before being ready
`;

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      'latency-ms': { type: 'string' },
      'propagation-ms': { type: 'string' },
      'ca-dir': { type: 'string' },
      'port-base': { type: 'string' },
      seed: { type: 'string' },
      'ready-file': { type: 'string' },
      'warm-certificates': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.org) {
    process.stdout.write(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const portBase = integer(values['port-base'], 'port-base');
  const latencyMs = integer(values['latency-ms'], 'latency-ms');
  const propagationDelayMs = integer(values['propagation-ms'], 'propagation-ms');
  const seed = integer(values.seed, 'seed');
  const emulator: Emulator = await startEmulator({
    org: resolve(values.org),
    caDir: values['ca-dir'] ? resolve(values['ca-dir']) : defaultCaDir(),
    ...(portBase !== undefined ? { portBase } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(propagationDelayMs !== undefined ? { propagationDelayMs } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
  if (values['warm-certificates']) {
    // A failure must not leave the servers running without a ready file.
    await warmCertificates(emulator).catch(async (error: unknown) => {
      await emulator.close();
      throw error;
    });
  }
  const ready = { urls: emulator.urls, caPath: emulator.caCertPath, org: emulator.org, pid: process.pid };
  if (values['ready-file']) writeFileSync(values['ready-file'], `${JSON.stringify(ready, null, 2)}\n`);
  process.stdout.write(
    [
      `Azure emulator for organization "${emulator.org.name}" is listening:`,
      `  Azure DevOps   ${emulator.urls.organization}`,
      `  Entra ID       ${emulator.urls.authorityHost}  (authority: ${emulator.urls.authorityHost}/{tenantId})`,
      `  Graph          ${emulator.urls.graph}/v1.0`,
      `  Admin API      ${emulator.urls.admin}`,
      `Trust its CA in the client process:`,
      `  export NODE_EXTRA_CA_CERTS=${emulator.caCertPath}`,
      `Stop with Ctrl+C.`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Certificates of key credentials are generated on first use (about 0.4 s each, an RSA key and a
 * signature). A benchmark reading hundreds of them would time that generation instead of the
 * client, so it can ask for all of them up front. Real Graph stores certificates; it does not
 * make them when read.
 */
async function warmCertificates(emulator: Emulator): Promise<void> {
  const keys = [...emulator.state.store.applications.values()].flatMap((app) =>
    app.keyCredentials.map((key) => [app.appId, key.keyId] as const),
  );
  await Promise.all(keys.map(([appId, keyId]) => emulator.state.keyCredentialCertificate(appId, keyId)));
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
