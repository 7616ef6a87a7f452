// Issue #13: a connection waiting for its new secret to propagate holds no request slot, so 100
// due connections with a 10 s propagation finish after about one propagation delay, while the
// requests in flight to each service never exceed maxParallel. Simulated time (VirtualClock), no
// timing assertion: time moves only from timer to timer, and requests are counted where they
// arrive. Graph and Azure DevOps are the in-memory fakes behind the real limiters and write
// pacer, wired as the adapters wire them; Entra is the real MsalCredentialProver with msal-node
// over a fake `fetch`.
import assert from 'node:assert/strict';
import { MsalCredentialProver } from '../../../lib/auth/credential-prover';
import type { EndpointDocument } from '../../../lib/devops/types';
import { createServiceLimiters } from '../../../lib/http/limiter';
import { WritePacer } from '../../../lib/http/write-pacer';
import { executePlan } from '../../../lib/rotation/executor';
import { plan } from '../../../lib/rotation/planner';
import type { ConnectionStore, CredentialProver, CredentialStore } from '../../../lib/rotation/ports';
import { AUTHORITY_HOST, aadstsError, tokenOk } from '../auth/fake-authority';
import { days, NOW, POLICY, TENANT, uuid } from '../inventory/builders';
import { VirtualClock } from './virtual-clock';
import { World } from './world';

const CONNECTIONS = 100;
const PROPAGATION_MS = 10_000;
const LATENCY_MS = 20;
const MAX_PARALLEL = 8;

type Service = 'devops' | 'graph' | 'entra';

/** Requests in flight per service now, the most seen, and how many there were. */
class Meter {
  readonly now: Record<Service, number> = { devops: 0, graph: 0, entra: 0 };
  readonly max: Record<Service, number> = { devops: 0, graph: 0, entra: 0 };
  readonly count: Record<Service, number> = { devops: 0, graph: 0, entra: 0 };

  constructor(private readonly clock: VirtualClock) {}

  /** One request: counted while it is in flight, `LATENCY_MS` of simulated time. */
  async request<T>(service: Service, answer: () => Promise<T>): Promise<T> {
    this.now[service] += 1;
    this.count[service] += 1;
    this.max[service] = Math.max(this.max[service], this.now[service]);
    try {
      await this.clock.sleep(LATENCY_MS);
      return await answer();
    } finally {
      this.now[service] -= 1;
    }
  }
}

describe('executePlan at scale (simulated time)', () => {
  it('rotates 100 due connections with 10 s propagation in about one propagation delay, at most maxParallel requests in flight per service', async () => {
    const clock = new VirtualClock(NOW);
    const world = new World(clock);
    for (let i = 0; i < CONNECTIONS; i += 1) {
      world.addConnection({ id: uuid(1000 + i), name: `conn-${i}`, endMs: NOW + days(3) });
    }
    const meter = new Meter(clock);
    const limiters = createServiceLimiters(MAX_PARALLEL);
    const pacer = new WritePacer({ clock });
    const mintedAt = new Map<string, number>();

    // As GraphClient does: the write budget first (holding no slot), then one slot per attempt.
    const viaGraph = <T>(answer: () => Promise<T>) =>
      limiters.graph.run(() => meter.request('graph', answer));
    const credentials: CredentialStore = {
      listPasswords: (app) => viaGraph(() => world.graph.listPasswords(app)),
      addPassword: async (app, request, signal) => {
        await pacer.acquire(TENANT, signal);
        const minted = await viaGraph(() => world.graph.addPassword(app, request));
        mintedAt.set(minted.secretText, clock.now());
        return minted;
      },
      removePassword: async (app, keyId) => {
        await pacer.acquire(TENANT);
        await viaGraph(() => world.graph.removePassword(app, keyId));
      },
    };
    const viaDevOps = <T>(answer: () => Promise<T>) =>
      limiters.devops.run(() => meter.request('devops', answer));
    const connections: ConnectionStore = {
      get: (project, id) => viaDevOps(() => world.devops.get(project, id)),
      update: (doc: EndpointDocument) => viaDevOps(() => world.devops.update(doc)),
      test: (project, id, proposed) => viaDevOps(() => world.devops.test(project, id, proposed)),
    };
    const msal = new MsalCredentialProver({
      authorityHost: AUTHORITY_HOST,
      scope: 'https://graph.microsoft.com/.default',
      clock,
      limiter: limiters.entra,
      fetch: entraFetch(world, meter, mintedAt, clock),
    });
    let proving = 0;
    let mostProving = 0;
    const prover: CredentialProver = {
      proveSecret: async (...args) => {
        proving += 1;
        mostProving = Math.max(mostProving, proving);
        try {
          await msal.proveSecret(...args);
        } finally {
          proving -= 1;
        }
      },
    };

    const inventory = await clock.drive(world.discover());
    const planned = plan(inventory, POLICY, clock.now());
    assert.equal(planned.entries.filter((e) => e.action === 'rotate').length, CONNECTIONS);
    const started = clock.now();
    const results = await clock.drive(
      executePlan(planned, { ...world.executeOptions(), connections, credentials, prover }),
    );
    const elapsed = clock.now() - started;

    assert.deepEqual(
      results.map((r) => r.action),
      Array(CONNECTIONS).fill('rotated'),
    );
    for (const r of results) assert.ok(world.signsIn(r.connectionId), r.connectionName);
    assert.deepEqual(world.violations, []);

    // Never more than maxParallel requests in flight to any service; Azure DevOps and Entra were
    // busy enough to reach the bound, so it was exercised, not idle.
    for (const service of ['devops', 'graph', 'entra'] as const) {
      assert.ok(meter.max[service] <= MAX_PARALLEL, `${service}: ${meter.max[service]} in flight`);
    }
    assert.equal(meter.max.devops, MAX_PARALLEL);
    assert.equal(meter.max.entra, MAX_PARALLEL);
    // Every connection waited for its secret at the same time as the others.
    assert.equal(mostProving, CONNECTIONS);

    // About one propagation delay: the delay, at most one poll (1 s) of lateness, and the time the
    // requests themselves need at maxParallel per service (the busiest service bounds it).
    const requestBoundMs = Math.max(
      ...(['devops', 'graph', 'entra'] as const).map((s) => (meter.count[s] * LATENCY_MS) / MAX_PARALLEL),
    );
    assert.ok(elapsed >= PROPAGATION_MS, `${elapsed} ms`);
    assert.ok(
      elapsed <= PROPAGATION_MS + 1000 + requestBoundMs,
      `${elapsed} ms > ${PROPAGATION_MS} + 1000 + ${requestBoundMs} ms`,
    );
    // Holding a slot per connection through the wait would have taken at least
    // ceil(100 / 8) = 13 propagation delays.
    assert.ok(elapsed < 2 * PROPAGATION_MS);
  });
});

/**
 * Entra behind `fetch`: OpenID metadata, and a token endpoint that accepts a secret of the fake
 * Graph once `PROPAGATION_MS` have passed since it was minted (AADSTS7000215 before).
 */
function entraFetch(
  world: World,
  meter: Meter,
  mintedAt: ReadonlyMap<string, number>,
  clock: VirtualClock,
): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    meter.request('entra', async () => {
      const url = new URL(String(input));
      const [, tenant = ''] = url.pathname.split('/');
      if ((init?.method ?? 'GET') === 'GET' && url.pathname.endsWith('/.well-known/openid-configuration')) {
        const base = `${url.origin}/${tenant}`;
        return json(200, {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          issuer: `${base}/v2.0`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
        });
      }
      const form = new URLSearchParams(String(init?.body));
      const secret = form.get('client_secret') ?? '';
      const minted = mintedAt.get(secret);
      const works =
        world.graph.isValid(form.get('client_id') ?? '', secret) &&
        (minted === undefined || clock.now() - minted >= PROPAGATION_MS);
      const reply = (works ? tokenOk() : aadstsError(7000215)) as { status: number; body: unknown };
      return json(reply.status, reply.body);
    })) as typeof fetch;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
