import type { EmulatorContext } from '../context';
import { json, type Reply, type RequestContext } from '../http/types';
import type { Application } from '../state/model';
import {
  allowed,
  authenticate,
  authorizeApplication,
  forbidden,
  type GraphCaller,
  listCandidates,
  mayEver,
} from './access';
import { applicationView, normalizeSelect } from './application-view';
import { graphError, graphIdHeaders, throttledReply } from './errors';
import { encodeSkipToken, parseApplicationFilter, parseSelect } from './odata';
import { readPaging, unsupportedFilter } from './paging';

function selectOrError(
  ctx: EmulatorContext,
  req: RequestContext,
): { select: string[] | null; expand: boolean } | Reply {
  const { select, unknown } = normalizeSelect(parseSelect(req.query.get('$select')));
  if (unknown !== undefined) {
    return graphError(
      req,
      ctx.clock,
      400,
      'Request_BadRequest',
      `Could not find a property named '${unknown}' on type 'microsoft.graph.application'.`,
    );
  }
  // The one navigation property a rotator expands (GRAPHDOCS `resources/application.md`:
  // federatedIdentityCredentials "Supports $expand"); others are refused as Graph refuses unknown ones.
  const expand = parseSelect(req.query.get('$expand'));
  for (const name of expand ?? []) {
    if (name.toLowerCase() !== 'federatedidentitycredentials') {
      return graphError(
        req,
        ctx.clock,
        400,
        'Request_BadRequest',
        `Could not find a navigation property named '${name}' on type 'microsoft.graph.application'.`,
      );
    }
  }
  return { select, expand: (expand ?? []).length > 0 };
}

/**
 * `$select=keyCredentials` is limited to 150 requests per minute per tenant
 * (GRAPHDOCS `application-get.md`, `application-list.md`).
 */
function keyCredentialThrottle(
  ctx: EmulatorContext,
  req: RequestContext,
  caller: GraphCaller,
  select: string[] | null,
): Reply | null {
  if (!select?.includes('keyCredentials')) return null;
  const throttled = ctx.throttles.keyCredentialRead(caller.tenantId);
  if (!throttled) return null;
  return throttledReply(
    req,
    ctx.clock,
    throttled.retryAfterMs,
    `Tenant/Read/${caller.appId}/${caller.tenantId}`,
    'KeyCredentialsSelectLimitExceeded',
    'Too many requests selecting keyCredentials. Retry later.',
  );
}

function context(ctx: EmulatorContext, select: string[] | null, entity: boolean): string {
  const props = select ? `(${select.join(',')})` : '';
  return `${ctx.urls.graph}/v1.0/$metadata#applications${props}${entity ? '/$entity' : ''}`;
}

/** `GET /applications/{id}` and `GET /applications(appId='…')`. */
export async function getApplication(ctx: EmulatorContext, req: RequestContext): Promise<Reply> {
  const caller = authenticate(ctx, req);
  if ('status' in caller) return caller;
  const parsed = selectOrError(ctx, req);
  if ('status' in parsed) return parsed;
  const found = authorizeApplication(ctx, req, 'read', (caller) =>
    keyCredentialThrottle(ctx, req, caller, parsed.select),
  );
  if ('status' in found) return found;
  const body = {
    '@odata.context': context(ctx, parsed.select, true),
    ...(await applicationView(ctx, found.app, parsed.select, true, parsed.expand)),
  };
  return json(200, body, graphIdHeaders(req));
}

/** `GET /applications` with `$filter`, `$select`, `$top` and `$skiptoken` paging. */
export async function listApplications(ctx: EmulatorContext, req: RequestContext): Promise<Reply> {
  const caller = authenticate(ctx, req);
  if ('status' in caller) return caller;
  const parsed = selectOrError(ctx, req);
  if ('status' in parsed) return parsed;
  const throttled = keyCredentialThrottle(ctx, req, caller, parsed.select);
  if (throttled) return throttled;
  if (!mayEver(caller, 'read')) return forbidden(ctx, req);
  const paging = readPaging(ctx, req);
  if ('status' in paging) return paging;
  const { top, offset } = paging;
  const filter = parseApplicationFilter(req.query.get('$filter'));
  if (filter.kind === 'unsupported') return unsupportedFilter(ctx, req, filter.clause);
  const visible = (app: Application) =>
    !app.managedIdentity &&
    app.tenantId.toLowerCase() === caller.tenantId.toLowerCase() &&
    allowed(caller, app, 'read');
  let matching: readonly Application[];
  if (filter.kind === 'in' && filter.property !== 'displayName') {
    // Indexed lookups: a rotator filters by appId in batches; never scan the tenant for that.
    const lookup =
      filter.property === 'appId' ? ctx.store.applicationByAppId : ctx.store.applicationByObjectId;
    matching = filter.values
      .map((v) => lookup.call(ctx.store, v))
      .filter((a): a is Application => a !== undefined && visible(a));
  } else {
    const all = listCandidates(ctx, caller);
    matching =
      filter.kind === 'none'
        ? all.filter(visible)
        : all.filter(
            (a) =>
              visible(a) &&
              (filter.kind === 'startswith'
                ? a.displayName.toLowerCase().startsWith(filter.prefix.toLowerCase())
                : filter.values.some((v) => v.toLowerCase() === a.displayName.toLowerCase())),
          );
  }
  const page = matching.slice(offset, offset + top);
  const body: Record<string, unknown> = {
    '@odata.context': context(ctx, parsed.select, false),
    value: await Promise.all(
      page.map((app) => applicationView(ctx, app, parsed.select, false, parsed.expand)),
    ),
  };
  if (offset + top < matching.length) {
    const next = new URLSearchParams();
    for (const [key, value] of req.query) if (key !== '$skiptoken') next.set(key, value);
    next.set('$top', String(top));
    next.set('$skiptoken', encodeSkipToken(offset + top));
    body['@odata.nextLink'] = `${ctx.urls.graph}/v1.0/applications?${next.toString()}`;
  }
  return json(200, body, graphIdHeaders(req));
}
