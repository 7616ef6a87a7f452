/**
 * Another tool using the library: list the AzureRM service connections of an organization whose
 * secrets expire within N days, and exit non-zero when any is critical or expired. No rotation;
 * it only reads. Configuration comes from the environment:
 *
 *   ORGANIZATION_URL   https://dev.azure.com/contoso
 *   TENANT_ID          the rotator app's tenant
 *   CLIENT_ID          the rotator app's client id (needs Application.Read.All, or ownership)
 *   CLIENT_SECRET      its secret (or adapt `credential` to a certificate or federation)
 *   AZURE_DEVOPS_PAT   a PAT with Service Connections (Read) and Project and Team (Read)
 *   PROJECTS           optional, comma separated; default: every project
 *   WARNING_DAYS       optional, default 30 (failure threshold: the default 7)
 *   GRAPH_URL, AUTHORITY_HOST   optional overrides (sovereign clouds, the local emulator)
 *
 * Build and run: npm install service-connection-rotator typescript @types/node
 *                npx tsc expiry-check.ts && node expiry-check.js
 */
import { connect, InvalidInputError, logSafe } from 'service-connection-rotator';

async function main(): Promise<number> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`Set ${name}.`);
    return value;
  };
  // connect checks every option (the same rules as the task's inputs) and sends nothing yet.
  const rotator = connect({
    organizationUrl: env('ORGANIZATION_URL'),
    rotator: {
      tenantId: env('TENANT_ID'),
      appId: env('CLIENT_ID'),
      credential: { kind: 'secret', clientSecret: env('CLIENT_SECRET') },
    },
    devOps: { kind: 'pat', token: env('AZURE_DEVOPS_PAT') },
    projects: process.env.PROJECTS ?? '*',
    warningDays: process.env.WARNING_DAYS,
    graphUrl: process.env.GRAPH_URL,
    authorityHost: process.env.AUTHORITY_HOST,
  });
  const inventory = await rotator.discover();

  let bad = 0;
  for (const c of inventory.connections) {
    if (c.status === 'ok') continue;
    if (c.status === 'critical' || c.status === 'expired') bad += 1;
    const when = c.expiresAt
      ? `${c.expiresAt.slice(0, 10)} (${c.daysLeft} days)`
      : (c.problem?.message ?? '');
    // Names and messages come from the services: logSafe breaks up `##vso[` so that a pipeline
    // agent running this script acts on nothing a connection name says.
    console.log(logSafe(`${c.status.padEnd(8)} ${c.name.padEnd(30)} ${when}`));
  }
  console.log(`${inventory.connections.length} connections checked, ${bad} critical or expired.`);
  return bad > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // InvalidInputError names each bad option, its value and what is allowed.
    if (error instanceof InvalidInputError) console.error(`Check the environment: ${error.message}`);
    else console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
