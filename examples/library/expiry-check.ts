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
 *   WARNING_DAYS       optional, default 30
 *   GRAPH_URL, AUTHORITY_HOST   optional overrides (sovereign clouds, the local emulator)
 *
 * Build and run: npm install service-connection-rotator typescript @types/node
 *                npx tsc expiry-check.ts && node expiry-check.js
 */
import {
  connect,
  discover,
  parseNameFilter,
  parseProjectFilter,
  systemClock,
} from 'service-connection-rotator';

async function main(): Promise<number> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`Set ${name}.`);
    return value;
  };
  const organizationUrl = env('ORGANIZATION_URL');
  const tenantId = env('TENANT_ID');
  const warningDays = Number(process.env.WARNING_DAYS ?? '30');
  const projects = parseProjectFilter(process.env.PROJECTS ?? '*');
  if (!projects.ok) throw new Error(projects.errors.map((e) => e.message).join(' '));
  const connections = parseNameFilter('*');
  if (!connections.ok) throw new Error('unreachable');

  const clients = connect({
    organizationUrl,
    rotator: {
      tenantId,
      appId: env('CLIENT_ID'),
      credential: { kind: 'secret', clientSecret: env('CLIENT_SECRET') },
    },
    devOps: { kind: 'pat', token: env('AZURE_DEVOPS_PAT') },
    graphUrl: process.env.GRAPH_URL,
    authorityHost: process.env.AUTHORITY_HOST,
  });
  const inventory = await discover({
    organizationUrl,
    connectionSource: clients.devops,
    applicationSource: clients.graph,
    projects: projects.filter,
    connections: connections.filter,
    thresholds: { warningDays, failureDays: Math.min(7, warningDays) },
    rotatorTenantId: tenantId,
    clock: systemClock,
  });

  let bad = 0;
  for (const c of inventory.connections) {
    if (c.status === 'ok') continue;
    if (c.status === 'critical' || c.status === 'expired') bad += 1;
    const when = c.expiresAt
      ? `${c.expiresAt.slice(0, 10)} (${c.daysLeft} days)`
      : (c.problem?.message ?? '');
    console.log(`${c.status.padEnd(8)} ${c.name.padEnd(30)} ${when}`);
  }
  console.log(`${inventory.connections.length} connections checked, ${bad} critical or expired.`);
  return bad > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
