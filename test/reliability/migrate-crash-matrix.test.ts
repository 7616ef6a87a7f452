/**
 * Crash matrix of `migrate` (spec §8 "crash safety as for rotation"): the bundled task is
 * SIGKILLed after the federated credential was created, while the conversion is InProgress, and
 * after the conversion landed but before it was verified, for a Manual and an Automatic secret
 * connection; the next run at once must converge with the connection signing in by federation,
 * exactly one Entra federated credential (the crashed run's is reused, not duplicated) and the old
 * secret still on the app; a further run writes nothing.
 *
 * Where the kill lands: the emulator's request hook at the moment it decided the answer to a write
 * (the write took effect, the task never saw it), or a line the task prints as a step finishes
 * while the conversion is held InProgress. Each case checks from the emulator's state that the
 * crash landed there.
 */
import assert from 'node:assert/strict';
import type { Emulator, LoggedRequest } from '../../emulator';
import { connectionNamed, demoOrg, stagedTaskDir, startFor } from '../task/task-harness';
import { FULL } from './support/mode';
import { survived } from './support/table';
import { outputsOf, rowOf, runTaskJob } from './support/task-runs';

const SECTION = 'migrate crash matrix';
const CONVERSION_MS = 10 * 60_000;

type Kind = 'manual' | 'automatic';
const NAMES: Record<Kind, string> = { manual: 'prod-deploy', automatic: 'auto-deploy' };

interface Target {
  id: string;
  name: string;
  appId: string;
  objectId: string;
  projectId: string;
}

interface Point {
  label: string;
  how: string;
  /** Cases in the fast subset (`npm test`). */
  fast: readonly Kind[];
  /** Conversion stays InProgress this long (emulator time) during the crashed run. */
  conversionMs: number;
  killWhen?: (t: Target) => (line: string) => boolean;
  killOnRequest?: (t: Target) => (e: LoggedRequest) => boolean;
  /** What the state must show right after the crash. */
  landed: (e: Emulator, t: Target) => void;
}

const POINTS: readonly Point[] = [
  {
    label: 'after FIC create',
    how: 'emulator hook: the federated credential create answered 201, unseen by the task',
    fast: ['manual'],
    conversionMs: 0,
    killOnRequest: (t) => (e) =>
      e.operation === 'graph.fic.create' && e.path.includes(t.objectId) && e.status === 201,
    landed: (e, t) => {
      assert.equal(e.state.connection(t.id)!.scheme, 'ServicePrincipal');
      assert.equal(entraFics(e, t).length, 1);
    },
  },
  {
    label: 'during polling',
    how: 'task line "convert" while the conversion is held InProgress (10 min)',
    fast: ['automatic'],
    conversionMs: CONVERSION_MS,
    killWhen: (t) => (line) => line.startsWith('##vso[task.debug]') && line.includes(`"${t.name}" convert: `),
    landed: (e, t) => {
      assert.equal(e.state.connection(t.id)!.operationStatus.state, 'InProgress');
    },
  },
  {
    label: 'after convert, before verify',
    how: 'emulator hook: the ConvertAuthenticationScheme PUT answered 200, unseen by the task',
    fast: [],
    conversionMs: 0,
    killOnRequest: (t) => (e) =>
      e.operation === 'devops.endpoints.update' && e.path.includes(t.id) && e.status === 200,
    landed: (e, t) => {
      assert.equal(e.state.connection(t.id)!.scheme, 'WorkloadIdentityFederation');
    },
  },
];

function entraFics(e: Emulator, t: Target) {
  return e.state
    .application(t.appId)!
    .federatedIdentityCredentials.filter((f) => f.issuer.startsWith('https://login.microsoftonline.com/'));
}

describe('reliability: migrate killed at its step boundaries', function () {
  this.timeout(240_000);
  let emulator: Emulator | undefined;

  before(() => {
    stagedTaskDir();
  });
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  for (const point of POINTS) {
    for (const kind of ['manual', 'automatic'] as const) {
      if (!FULL && !point.fast.includes(kind)) continue;
      it(`converges after a crash ${point.label} (${kind})`, async () => {
        const org = demoOrg();
        const e = await startFor(org);
        emulator = e;
        const c = connectionNamed(org, NAMES[kind]);
        const app = org.applications!.find((a) => a.appId === c.appId)!;
        const project = org.projects.find(
          (p) => p.name === (typeof c.projects[0] === 'string' ? c.projects[0] : c.projects[0]!.name),
        )!;
        const t: Target = {
          id: c.id,
          name: c.name,
          appId: app.appId,
          objectId: app.objectId,
          projectId: project.id,
        };
        const oldSecrets = e.state.application(t.appId)!.passwordCredentials.map((p) => p.keyId);
        const inputs = { action: 'migrate', projects: '*', connections: t.name };
        const run = (extra: Partial<Parameters<typeof runTaskJob>[0]> = {}) =>
          runTaskJob({ section: SECTION, emulator: e, org, inputs, timeoutMs: 90_000, ...extra });

        e.state.store.conversionDelayMs = point.conversionMs;
        const crash = await run({
          ...(point.killWhen ? { killWhen: point.killWhen(t) } : {}),
          ...(point.killOnRequest ? { killOnRequest: point.killOnRequest(t) } : {}),
        });
        assert.ok(
          crash.crashed,
          `killed at the crash point (result ${crash.result}: ${crash.resultMessage})`,
        );
        assert.equal(crash.result, null, 'the task never completed');
        point.landed(e, t);

        // The next run, once the held conversion would have finished: it converges.
        e.state.store.conversionDelayMs = 0;
        if (point.conversionMs) e.clock.advance(point.conversionMs);
        const second = await run();
        assert.equal(second.result, 'Succeeded', second.resultMessage ?? '');
        assert.equal(outputsOf(second).FailedCount, '0');
        assert.equal(outputsOf(second).MigratedCount, '1');
        assert.ok(['migrated', 'verified'].includes(rowOf(second, t.name).action));
        const stored = e.state.connection(t.id)!;
        assert.equal(stored.scheme, 'WorkloadIdentityFederation');
        assert.equal(stored.operationStatus.state, 'Ready');
        assert.equal(entraFics(e, t).length, 1, 'the crashed run’s credential is reused, not duplicated');
        assert.deepEqual(
          e.state.application(t.appId)!.passwordCredentials.map((p) => p.keyId),
          oldSecrets,
          'the old secret stays during the revert window',
        );
        assert.equal(await signIn(e, t), 200, 'the connection signs in by federation');

        // And a further run writes nothing.
        e.clearRequests();
        const third = await run();
        assert.equal(third.result, 'Succeeded', third.resultMessage ?? '');
        assert.deepEqual(
          e.requests().filter((r) => r.write),
          [],
          'a migrated organization is not written to',
        );
        survived(
          SECTION,
          `${point.label} × ${kind}`,
          `kill: ${point.how}; next run converged, signs in, one FIC; then no write`,
        );
      });
    }
  }
});

/** A pipeline's sign-in with the connection: OIDC token from Azure DevOps exchanged at Entra. */
async function signIn(e: Emulator, t: Target): Promise<number> {
  const jobToken = demoOrg().identities!.find((i) => i.kind === 'build')!.accessToken!;
  const oidc = await fetch(`${e.oidcRequestUri(t.projectId)}?api-version=7.1&serviceConnectionId=${t.id}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jobToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (oidc.status !== 200) return oidc.status;
  const { oidcToken } = (await oidc.json()) as { oidcToken: string };
  const tenant = e.state.connection(t.id)!.parameters['tenantid']!;
  const token = await fetch(`${e.urls.authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: oidcToken,
      scope: 'https://management.azure.com/.default',
    }).toString(),
  });
  return token.status;
}
