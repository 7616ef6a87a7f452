import type { EmulatorContext } from '../context';
import { json, type Reply, type RequestContext } from '../http/types';
import type { Application } from '../state/model';
import { allowed, authenticate, forbidden, listCandidates, mayEver } from './access';
import { graphError, graphIdHeaders, resourceNotFound } from './errors';
import { encodeSkipToken, parseSelect, parseServicePrincipalFilter } from './odata';
import { readPaging, unsupportedFilter } from './paging';

const PROPERTIES = [
  'id',
  'accountEnabled',
  'appId',
  'appDisplayName',
  'appOwnerOrganizationId',
  'displayName',
  'servicePrincipalType',
];

/** The `$select`ed properties in canonical case, or Graph's 400 for an unknown one. */
function selectOrError(
  ctx: EmulatorContext,
  req: RequestContext,
): { requested: string[] | null; select: string[] } | Reply {
  const requested = parseSelect(req.query.get('$select'));
  const known = new Map(PROPERTIES.map((p) => [p.toLowerCase(), p]));
  const select: string[] = [];
  for (const name of requested ?? PROPERTIES) {
    const canonical = known.get(name.toLowerCase());
    if (!canonical) {
      return graphError(
        req,
        ctx.clock,
        400,
        'Request_BadRequest',
        `Could not find a property named '${name}' on type 'microsoft.graph.servicePrincipal'.`,
      );
    }
    select.push(canonical);
  }
  return { requested, select };
}

function view(app: Application, select: readonly string[]): Record<string, unknown> {
  const sp = app.servicePrincipal;
  const full: Record<string, unknown> = {
    id: sp?.objectId,
    accountEnabled: sp?.accountEnabled,
    appId: app.appId,
    appDisplayName: app.displayName,
    appOwnerOrganizationId: app.tenantId,
    displayName: app.displayName,
    servicePrincipalType: app.managedIdentity ? 'ManagedIdentity' : 'Application',
  };
  const result: Record<string, unknown> = {};
  for (const property of select) result[property] = full[property];
  return result;
}

function context(
  ctx: EmulatorContext,
  requested: string[] | null,
  select: string[],
  entity: boolean,
): string {
  const props = requested ? `(${select.join(',')})` : '';
  return `${ctx.urls.graph}/v1.0/$metadata#servicePrincipals${props}${entity ? '/$entity' : ''}`;
}

/** `GET /servicePrincipals(appId='…')` with `$select`; `accountEnabled: false` means no sign-in. */
export function getServicePrincipal(ctx: EmulatorContext, req: RequestContext): Reply {
  const caller = authenticate(ctx, req);
  if ('status' in caller) return caller;
  const parsed = selectOrError(ctx, req);
  if ('status' in parsed) return parsed;
  if (!mayEver(caller, 'read')) return forbidden(ctx, req);
  const appId = req.params['appId'] ?? '';
  const app = ctx.store.applicationByAppId(appId);
  if (!app?.servicePrincipal || app.tenantId.toLowerCase() !== caller.tenantId.toLowerCase()) {
    return resourceNotFound(req, ctx.clock, appId);
  }
  if (!allowed(caller, app, 'read')) return forbidden(ctx, req);
  const body = {
    '@odata.context': context(ctx, parsed.requested, parsed.select, true),
    ...view(app, parsed.select),
  };
  return json(200, body, graphIdHeaders(req));
}

/**
 * `GET /servicePrincipals` with `$filter=accountEnabled eq true|false`, `$select`, `$top`
 * (≤ 999, default 100) and `$skiptoken` paging. Lists the service principals of the caller's
 * tenant whose application the caller may read (same rules as `GET /servicePrincipals(appId=…)`).
 */
export function listServicePrincipals(ctx: EmulatorContext, req: RequestContext): Reply {
  const caller = authenticate(ctx, req);
  if ('status' in caller) return caller;
  const parsed = selectOrError(ctx, req);
  if ('status' in parsed) return parsed;
  if (!mayEver(caller, 'read')) return forbidden(ctx, req);
  const paging = readPaging(ctx, req);
  if ('status' in paging) return paging;
  const { top, offset } = paging;
  const filter = parseServicePrincipalFilter(req.query.get('$filter'));
  if (filter.kind === 'unsupported') return unsupportedFilter(ctx, req, filter.clause);
  const matching = listCandidates(ctx, caller).filter(
    (app) =>
      app.servicePrincipal !== null &&
      app.tenantId.toLowerCase() === caller.tenantId.toLowerCase() &&
      allowed(caller, app, 'read') &&
      (filter.kind === 'none' || app.servicePrincipal.accountEnabled === filter.value),
  );
  const page = matching.slice(offset, offset + top);
  const body: Record<string, unknown> = {
    '@odata.context': context(ctx, parsed.requested, parsed.select, false),
    value: page.map((app) => view(app, parsed.select)),
  };
  if (offset + top < matching.length) {
    const next = new URLSearchParams();
    for (const [key, value] of req.query) if (key !== '$skiptoken') next.set(key, value);
    next.set('$top', String(top));
    next.set('$skiptoken', encodeSkipToken(offset + top));
    body['@odata.nextLink'] = `${ctx.urls.graph}/v1.0/servicePrincipals?${next.toString()}`;
  }
  return json(200, body, graphIdHeaders(req));
}
