import assert from 'node:assert/strict';
import { type OrgDescription, OrgValidationError } from '../../emulator/index';
import { generateOrg } from '../../emulator/orgs/generate';
import { buildStore } from '../../emulator/state/load-org';
import { bearer, call, demoOrg, start } from './helpers';

const DAY = 86_400_000;

function problemsOf(org: unknown): string[] {
  try {
    buildStore(org, new Date());
  } catch (error) {
    if (error instanceof OrgValidationError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('emulator: organization descriptions', () => {
  it('accepts the demo organization', () => {
    assert.deepEqual(problemsOf(demoOrg()), []);
  });

  it('names the path of every schema violation', () => {
    const org = demoOrg() as unknown as {
      serviceConnections: Record<string, unknown>[];
      projects: Record<string, unknown>[];
    };
    org.serviceConnections[2]!['scheme'] = 'Basic';
    org.serviceConnections[3]!['colour'] = 'blue';
    delete org.projects[0]!['name'];
    const problems = problemsOf(org);
    assert.ok(problems.includes("projects[0]: must have required property 'name'"), problems.join('\n'));
    assert.ok(
      problems.some((p) =>
        p.startsWith('serviceConnections[2].scheme: must be equal to one of the allowed values'),
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes('serviceConnections[3]: must NOT have additional properties (colour)'),
      problems.join('\n'),
    );
  });

  it('reports references that do not resolve', () => {
    const org = demoOrg();
    const connections = [...(org.serviceConnections ?? [])];
    connections[0] = {
      ...connections[0]!,
      projects: ['Nowhere'],
      secret: { passwordKeyId: '00000000-0000-4000-8000-000000000000' },
      data: { rotatorRecord: 'x' },
    };
    connections[1] = { ...connections[1]!, id: connections[2]!.id, roles: { ghost: 'User' } };
    const problems = problemsOf({ ...org, serviceConnections: connections });
    const expected = [
      'serviceConnections[0].projects[0]: unknown project "Nowhere"',
      'serviceConnections[0].data.rotatorRecord: not an AzureRM data key',
      `serviceConnections[0].secret.passwordKeyId: app "${connections[0].appId}" has no password "00000000-0000-4000-8000-000000000000"`,
      `serviceConnections[2].id: duplicate connection id "${connections[2]!.id}"`,
      'serviceConnections[1].roles: unknown identity "ghost"',
    ];
    assert.deepEqual([...problems].sort(), [...expected].sort());
  });

  it('resolves dates relative to the start, so a checked-in organization never goes stale', () => {
    const startedAt = new Date('2031-05-01T00:00:00Z');
    const store = buildStore(demoOrg(), startedAt);
    const staging = [...store.applications.values()].find((a) => a.displayName === 'deploy-staging')!;
    const [password] = staging.passwordCredentials;
    assert.equal(password!.endDateTime.getTime(), startedAt.getTime() + 12 * DAY);
    assert.equal(password!.startDateTime.getTime(), startedAt.getTime() - 168 * DAY);
    assert.equal(password!.secretText.length, 40, 'a secret is generated when the description has none');
  });

  it('generates the same organization for the same seed, and a realistic mix', () => {
    const a = generateOrg({ projects: 20, connections: 300, seed: 5 });
    const b = generateOrg({ projects: 20, connections: 300, seed: 5 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, generateOrg({ projects: 20, connections: 300, seed: 6 }));
    assert.deepEqual(problemsOf(a), []);
    const connections = a.serviceConnections ?? [];
    assert.equal(connections.length, 301, 'plus the rotator connection');
    const kinds = new Set(
      connections.map((c) => `${c.type ?? 'AzureRM'}/${c.scheme}/${c.creationMode ?? ''}`),
    );
    for (const kind of [
      'AzureRM/ServicePrincipal/Manual',
      'AzureRM/ServicePrincipal/Automatic',
      'AzureRM/WorkloadIdentityFederation/Manual',
      'Generic/UsernamePassword/',
    ]) {
      assert.ok(kinds.has(kind), kind);
    }
    assert.ok(
      connections.some((c) => c.projects.length > 1),
      'some are shared',
    );
    const expiries = (a.applications ?? [])
      .flatMap((app) => app.passwordCredentials ?? [])
      .map((p) => p.expiresInDays ?? 0);
    assert.ok(
      expiries.some((d) => d < 0) && expiries.some((d) => d > 0 && d <= 7) && expiries.some((d) => d > 30),
    );
    const apps = new Set(connections.map((c) => c.appId).filter(Boolean));
    assert.ok(apps.size < connections.length, 'apps are shared by connections');
  });

  // How fast: measured by `npm run bench` (its report runs start this emulator at 10,000), never here.
  it('generates and serves 10,000 connections in 500 projects: every project lists its own, lookups by id', async function () {
    this.timeout(60_000);
    const org: OrgDescription = generateOrg({ projects: 500, connections: 10_000, seed: 3 });
    const connections = org.serviceConnections ?? [];
    assert.equal(org.projects.length, 500);
    assert.equal(connections.length, 10_001, "10,000 and the rotator's own");
    const emulator = await start(org);
    try {
      const token = bearer(org.identities![0]!.accessToken!);
      for (const project of [org.projects[0]!, org.projects[250]!, org.projects[499]!]) {
        const expected = connections.filter((c) => c.projects.includes(project.name)).map((c) => c.id);
        const listed = await call<{ count: number; value: Array<{ id: string }> }>(
          `${emulator.urls.organization}${project.name}/_apis/serviceendpoint/endpoints?api-version=7.1&includeFailed=true`,
          { headers: token },
        );
        assert.deepEqual(listed.body.value.map((c) => c.id).sort(), [...expected].sort(), project.name);
        assert.equal(listed.body.count, expected.length);
        const one = await call<{ id: string }>(
          `${emulator.urls.organization}${project.id}/_apis/serviceendpoint/endpoints/${expected[0]}?api-version=7.1`,
          { headers: token },
        );
        assert.equal(one.status, 200);
        assert.equal(one.body.id, expected[0]);
      }
    } finally {
      await emulator.close();
    }
  });
});
