import type { EmulatorContext } from '../context';
import { json, type Reply, type RequestContext } from '../http/types';
import { allowed, authenticate, forbidden, mayEver } from './access';
import { graphError, graphIdHeaders, resourceNotFound } from './errors';
import { parseSelect } from './odata';

const PROPERTIES = [
  'id',
  'accountEnabled',
  'appId',
  'appDisplayName',
  'appOwnerOrganizationId',
  'displayName',
  'servicePrincipalType',
];

/** `GET /servicePrincipals(appId='…')` with `$select`; `accountEnabled: false` means no sign-in. */
export function getServicePrincipal(ctx: EmulatorContext, req: RequestContext): Reply {
  const caller = authenticate(ctx, req);
  if ('status' in caller) return caller;
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
  if (!mayEver(caller, 'read')) return forbidden(ctx, req);
  const appId = req.params['appId'] ?? '';
  const app = ctx.store.applicationByAppId(appId);
  if (!app?.servicePrincipal || app.tenantId.toLowerCase() !== caller.tenantId.toLowerCase()) {
    return resourceNotFound(req, ctx.clock, appId);
  }
  if (!allowed(caller, app, 'read')) return forbidden(ctx, req);
  const full: Record<string, unknown> = {
    id: app.servicePrincipal.objectId,
    accountEnabled: app.servicePrincipal.accountEnabled,
    appId: app.appId,
    appDisplayName: app.displayName,
    appOwnerOrganizationId: app.tenantId,
    displayName: app.displayName,
    servicePrincipalType: 'Application',
  };
  const view: Record<string, unknown> = {
    '@odata.context': `${ctx.urls.graph}/v1.0/$metadata#servicePrincipals${requested ? `(${select.join(',')})` : ''}/$entity`,
  };
  for (const property of select) view[property] = full[property];
  return json(200, view, graphIdHeaders(req));
}
