import type { EmulatorContext } from '../context';
import { bearerToken, graphAudiences, type TokenProblem, verifyAccessToken } from '../entra/access-tokens';
import type { Reply, RequestContext } from '../http/types';
import type { Application } from '../state/model';
import { graphError, INSUFFICIENT_PRIVILEGES, resourceNotFound } from './errors';

/** The app calling Graph, from its access token. */
export interface GraphCaller {
  readonly appId: string;
  readonly tenantId: string;
  readonly roles: ReadonlySet<string>;
}

/** Reading or changing an application (or its service principal, or its federated credentials). */
export type Access = 'read' | 'write';

const TOKEN_MESSAGES: Readonly<Record<TokenProblem, string>> = {
  missing: 'Access token is empty.',
  malformed: 'IDX14100: JWT is not well formed.',
  signature: 'Access token validation failure. Invalid signature.',
  issuer: 'Access token validation failure. Invalid issuer.',
  audience: 'Access token validation failure. Invalid audience.',
  expired: 'Lifetime validation failed, the token is expired.',
};

const callers = new WeakMap<RequestContext, GraphCaller | TokenProblem>();

function verify(ctx: EmulatorContext, req: RequestContext): GraphCaller | TokenProblem {
  const known = callers.get(req);
  if (known) return known;
  const token = bearerToken(req.headers);
  const result = token
    ? verifyAccessToken(ctx, token, graphAudiences(ctx))
    : ({ ok: false, problem: 'missing' } as const);
  const caller = result.ok
    ? { appId: result.claims.appId, tenantId: result.claims.tenantId, roles: new Set(result.claims.roles) }
    : result.problem;
  callers.set(req, caller);
  return caller;
}

/** The calling app's id for the request log (null when the token is not valid). */
export function graphCallerId(ctx: EmulatorContext, req: RequestContext): string | null {
  const caller = verify(ctx, req);
  return typeof caller === 'string' ? null : caller.appId;
}

/** The caller, or Graph's 401 `InvalidAuthenticationToken`. */
export function authenticate(ctx: EmulatorContext, req: RequestContext): GraphCaller | Reply {
  const caller = verify(ctx, req);
  if (typeof caller !== 'string') return caller;
  return graphError(req, ctx.clock, 401, 'InvalidAuthenticationToken', TOKEN_MESSAGES[caller], {
    'www-authenticate': `Bearer realm="", authorization_uri="${ctx.urls.authorityHost}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
  });
}

/** Whether the caller holds any permission that could allow `access` to some application. */
export function mayEver(caller: GraphCaller, access: Access): boolean {
  if (caller.roles.has('Application.ReadWrite.All') || caller.roles.has('Application.ReadWrite.OwnedBy'))
    return true;
  return access === 'read' && caller.roles.has('Application.Read.All');
}

/**
 * Whether the caller may read or change this app: `Application.ReadWrite.All` (or `Read.All` for
 * reads), or `Application.ReadWrite.OwnedBy` when its service principal owns the app
 * (azure-apis.md §2.6).
 */
export function allowed(caller: GraphCaller, app: Application, access: Access): boolean {
  if (caller.roles.has('Application.ReadWrite.All')) return true;
  if (access === 'read' && caller.roles.has('Application.Read.All')) return true;
  return (
    caller.roles.has('Application.ReadWrite.OwnedBy') &&
    app.owners.some((o) => o.toLowerCase() === caller.appId.toLowerCase())
  );
}

/** Graph's 403. */
export function forbidden(ctx: EmulatorContext, req: RequestContext): Reply {
  return graphError(req, ctx.clock, 403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);
}

/** The app addressed by the route (`/applications/{id}` or `/applications(appId='…')`), if it exists. */
export function addressedApplication(ctx: EmulatorContext, req: RequestContext): Application | undefined {
  const objectId = req.params['objectId'];
  const appId = req.params['appId'];
  const app = objectId
    ? ctx.store.applicationByObjectId(objectId)
    : appId
      ? ctx.store.applicationByAppId(appId)
      : undefined;
  // A managed identity has no application object (federation-and-certificates.md §4.4).
  return app?.managedIdentity ? undefined : app;
}

/**
 * Authenticates, checks permissions and finds the addressed app in the caller's tenant. Apps of
 * other tenants do not exist for the caller (404 `Request_ResourceNotFound`).
 */
export function authorizeApplication(
  ctx: EmulatorContext,
  req: RequestContext,
  access: Access,
  beforeLookup?: (caller: GraphCaller) => Reply | null,
): { caller: GraphCaller; app: Application } | Reply {
  const caller = authenticate(ctx, req);
  if ('status' in caller) return caller;
  const early = beforeLookup?.(caller);
  if (early) return early;
  if (!mayEver(caller, access)) return forbidden(ctx, req);
  const app = addressedApplication(ctx, req);
  if (!app || app.tenantId.toLowerCase() !== caller.tenantId.toLowerCase()) {
    return resourceNotFound(req, ctx.clock, req.params['objectId'] ?? req.params['appId'] ?? '');
  }
  if (!allowed(caller, app, access)) return forbidden(ctx, req);
  return { caller, app };
}

/**
 * The applications a list request may return before per-app checks: the tenant's with a broad
 * read role, else only the ones the caller owns (with only Application.ReadWrite.OwnedBy the
 * caller lists the apps it owns; GRAPHDOCS permissions). Used by `GET /applications` and
 * `GET /servicePrincipals`.
 */
export function listCandidates(ctx: EmulatorContext, caller: GraphCaller): readonly Application[] {
  const broad = caller.roles.has('Application.Read.All') || caller.roles.has('Application.ReadWrite.All');
  return broad
    ? ctx.store.applicationsInTenant(caller.tenantId)
    : ctx.store.applicationsOwnedBy(caller.appId);
}
