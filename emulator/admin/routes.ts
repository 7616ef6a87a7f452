import type { EmulatorContext } from '../context';
import { parseJsonObject } from '../core/json';
import { FaultRuleError, type FaultRuleInput } from '../faults';
import { json, type Reply, type RequestContext, type ServiceDefinition } from '../http/types';
import { redactedSnapshot } from '../state/snapshot';
import { federationRoutes } from './federation-routes';

const body = (req: RequestContext) => parseJsonObject(req.body);

const error = (status: number, message: string): Reply =>
  json(status, { error: { code: status === 404 ? 'NotFound' : 'BadRequest', message } });

function guarded(action: () => Reply): Reply {
  try {
    return action();
  } catch (e) {
    if (e instanceof FaultRuleError || e instanceof RangeError) return error(400, e.message);
    throw e;
  }
}

async function certificates(ctx: EmulatorContext, req: RequestContext): Promise<Reply> {
  const app = ctx.store.applicationByAppId(req.params['appId'] ?? '');
  if (!app) return error(404, `No application with appId '${req.params['appId']}'.`);
  const keyId = req.query.get('keyId');
  const credentials = app.keyCredentials.filter(
    (k) => !keyId || k.keyId.toLowerCase() === keyId.toLowerCase(),
  );
  const keyCredentials = await Promise.all(
    credentials.map(async (k) => {
      const m = await ctx.certificates.material(app, k);
      return {
        keyId: k.keyId,
        displayName: k.displayName,
        startDateTime: k.startDateTime.toISOString(),
        endDateTime: k.endDateTime.toISOString(),
        certificatePem: m.certificatePem,
        privateKeyPem: m.privateKeyPem,
        thumbprintSha1: m.thumbprintSha1,
        thumbprintSha256: m.thumbprintSha256,
      };
    }),
  );
  return json(200, { appId: app.appId, tenantId: app.tenantId, keyCredentials });
}

/**
 * The emulator-only test API under `/_admin/` on the devops port (loopback, no auth): state
 * (redacted), request log, faults, clock, generated certificates and the secret list for hygiene
 * scans. Documented in `emulator/README.md`.
 */
export function adminService(ctx: EmulatorContext): ServiceDefinition {
  const { faults } = ctx;
  return {
    name: 'admin',
    identify: () => 'admin',
    error: (_req, status, _code, message) => error(status, message),
    routes: [
      {
        method: 'GET',
        pattern: /^\/_admin\/state$/,
        operation: 'admin.state',
        handle: () => json(200, redactedSnapshot(ctx)),
      },
      {
        method: 'GET',
        pattern: /^\/_admin\/requests$/,
        operation: 'admin.requests',
        handle: () => json(200, { requests: ctx.log.entries() }),
      },
      {
        method: 'DELETE',
        pattern: /^\/_admin\/requests$/,
        operation: 'admin.requests',
        handle: () => {
          ctx.log.clear();
          return { status: 204 };
        },
      },
      {
        method: 'GET',
        pattern: /^\/_admin\/faults$/,
        operation: 'admin.faults',
        handle: () => json(200, faults.list()),
      },
      {
        method: 'PUT',
        pattern: /^\/_admin\/faults$/,
        operation: 'admin.faults',
        handle: (req) => {
          const input = body(req);
          if (!input) return error(400, 'Expected a JSON object.');
          return guarded(() => {
            faults.configure(input as Parameters<typeof faults.configure>[0]);
            return json(200, faults.list());
          });
        },
      },
      {
        method: 'POST',
        pattern: /^\/_admin\/faults$/,
        operation: 'admin.faults',
        handle: (req) => {
          const input = body(req);
          if (!input) return error(400, 'Expected a JSON object.');
          return guarded(() => json(201, faults.add(input as unknown as FaultRuleInput)));
        },
      },
      {
        method: 'DELETE',
        pattern: /^\/_admin\/faults$/,
        operation: 'admin.faults',
        handle: () => {
          faults.reset();
          return { status: 204 };
        },
      },
      {
        method: 'DELETE',
        pattern: /^\/_admin\/faults\/(?<id>[^/]+)$/,
        operation: 'admin.faults',
        handle: (req) =>
          faults.remove(req.params['id'] ?? '')
            ? { status: 204 }
            : error(404, `No fault rule '${req.params['id']}'.`),
      },
      {
        method: 'GET',
        pattern: /^\/_admin\/clock$/,
        operation: 'admin.clock',
        handle: () => json(200, { now: ctx.clock.now().toISOString() }),
      },
      {
        method: 'POST',
        pattern: /^\/_admin\/clock$/,
        operation: 'admin.clock',
        handle: (req) => {
          const input = body(req);
          if (!input) return error(400, 'Expected a JSON object.');
          return guarded(() => {
            if (typeof input['advanceMs'] === 'number') ctx.clock.advance(input['advanceMs']);
            else if (typeof input['now'] === 'string') ctx.clock.set(input['now']);
            else return error(400, 'Send {"advanceMs": n} or {"now": "ISO-8601"}.');
            return json(200, { now: ctx.clock.now().toISOString() });
          });
        },
      },
      {
        method: 'GET',
        pattern: /^\/_admin\/certificates\/(?<appId>[^/]+)$/,
        operation: 'admin.certificates',
        handle: (req) => certificates(ctx, req),
      },
      {
        method: 'GET',
        pattern: /^\/_admin\/secrets$/,
        operation: 'admin.secrets',
        handle: () => json(200, { secrets: ctx.store.issuedSecrets() }),
      },
      ...federationRoutes(ctx),
    ],
  };
}
