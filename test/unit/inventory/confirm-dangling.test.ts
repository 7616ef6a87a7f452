import assert from 'node:assert/strict';
import type { ProjectInfo } from '../../../lib/devops/types';
import { entraSubject } from '../../../lib/federation/subjects';
import { confirmDangling } from '../../../lib/inventory/confirm-dangling';
import type { ConnectionSource } from '../../../lib/inventory/ports';
import type { DanglingCredential } from '../../../lib/inventory/types';
import { silentLogger } from '../../../lib/logger';

const guid = (n: number) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ALPHA: ProjectInfo = { id: guid(1), name: 'Alpha' };
const BETA: ProjectInfo = { id: guid(2), name: 'Beta' };
const ORG_ID = guid(3);
const TENANT = guid(4);

function candidate(name: string, subject: string): DanglingCredential {
  return {
    appId: guid(5),
    appObjectId: guid(6),
    appDisplayName: 'app',
    name,
    issuer: 'https://vstoken.dev.azure.com/x',
    subject,
    risk: 'r',
  };
}

/** Answers from `existing` by project: name and id, as any connection type. */
function source(existing: Record<string, Array<{ id: string; name: string }>>, fail = false) {
  const asks: string[] = [];
  const connections: ConnectionSource = {
    listProjects: async () => [ALPHA, BETA],
    listAzureRmConnections: async () => [],
    findConnections: async (project, query) => {
      asks.push(
        `${project.name} ${'names' in query ? `names ${query.names.join(',')}` : `ids ${query.ids.join(',')}`}`,
      );
      if (fail) throw new Error('HTTP 503');
      const here = existing[project.name] ?? [];
      return 'names' in query
        ? here.filter((c) => query.names.some((n) => n.toLowerCase() === c.name.toLowerCase()))
        : here.filter((c) => query.ids.includes(c.id));
    },
  };
  return { connections, asks };
}

describe('confirmDangling', () => {
  const byId = (n: number) =>
    entraSubject({ tenantId: TENANT, organizationId: ORG_ID, connectionId: guid(n) });
  const candidates = [
    candidate('acr', 'sc://org/Alpha/ACR-Push'),
    candidate('deleted', 'sc://org/alpha/deleted'),
    candidate('aks', byId(10)),
    candidate('gone', byId(11)),
  ];

  it('drops what a connection of any type answers to: by name per project (case-insensitively), by id in every project', async () => {
    const { connections, asks } = source({
      Alpha: [{ id: guid(20), name: 'acr-push' }],
      Beta: [{ id: guid(10), name: 'aks-prod' }],
    });
    const kept = await confirmDangling(candidates, {
      source: connections,
      projects: [ALPHA, BETA],
      logger: silentLogger,
    });
    assert.deepEqual(
      kept.map((c) => c.name),
      ['deleted', 'gone'],
    );
    assert.deepEqual(asks.sort(), [
      `Alpha ids ${guid(10)},${guid(11)}`,
      'Alpha names ACR-Push,deleted',
      `Beta ids ${guid(10)},${guid(11)}`,
    ]);
  });

  it('asks nothing without candidates, and keeps every candidate, saying why, when asking fails', async () => {
    const quiet = source({});
    assert.deepEqual(
      await confirmDangling([], { source: quiet.connections, projects: [ALPHA], logger: silentLogger }),
      [],
    );
    assert.deepEqual(quiet.asks, []);
    const warnings: string[] = [];
    const failing = source({}, true);
    const kept = await confirmDangling(candidates, {
      source: failing.connections,
      projects: [ALPHA, BETA],
      logger: { ...silentLogger, warn: (m) => warnings.push(m) },
    });
    assert.deepEqual(kept, candidates);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /listed unconfirmed: HTTP 503/);
  });
});
