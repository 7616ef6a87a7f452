import type { EmulatorContext } from '../context';
import { bearerToken, DEVOPS_AUDIENCES, verifyAccessToken } from '../entra/access-tokens';
import type { Reply, RequestContext } from '../http/types';
import type { Identity } from '../state/model';
import { checkApiVersion } from './api-version';
import { adoError } from './errors';
import type { ApiLocation } from './locations';

const identities = new WeakMap<RequestContext, Identity | null>();

function resolve(ctx: EmulatorContext, req: RequestContext): Identity | null {
  const header = req.headers['authorization'] ?? '';
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (basic?.[1]) {
    // A PAT travels as the password of HTTP Basic with any user name (azure-apis.md §1.2).
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? (ctx.store.identityByPat(decoded.slice(colon + 1)) ?? null) : null;
  }
  const token = bearerToken(req.headers);
  if (!token) return null;
  const jobIdentity = ctx.store.identityByAccessToken(token);
  if (jobIdentity) return jobIdentity;
  // An Entra token for Azure DevOps maps to the service principal added to the organization.
  const verified = verifyAccessToken(ctx, token, DEVOPS_AUDIENCES);
  return verified.ok ? (ctx.store.identityByAppId(verified.claims.appId) ?? null) : null;
}

/** The identity behind the request's credentials (resolved once per request), or null. */
export function callerIdentity(ctx: EmulatorContext, req: RequestContext): Identity | null {
  if (identities.has(req)) return identities.get(req) ?? null;
  const identity = resolve(ctx, req);
  identities.set(req, identity);
  return identity;
}

/**
 * 401 without a sign-in page: JSON, with the challenge headers. Clients send
 * `X-TFS-FedAuthRedirect: Suppress` precisely to get this instead of a redirect to a login page.
 */
function unauthorized(ctx: EmulatorContext): Reply {
  return adoError(
    401,
    'UnauthorizedRequestException',
    'TF400813: The user is not authorized to access this resource.',
    'webApi',
    {
      'www-authenticate': `Bearer authorization_uri=${ctx.urls.authorityHost}/common, Basic realm="${ctx.urls.organization}"`,
      'x-tfs-serviceerror': 'TF400813',
    },
  );
}

/**
 * The common first steps of every Azure DevOps API: a known caller (else 401), then an acceptable
 * api-version for the route's location (else 400).
 */
export function admit(ctx: EmulatorContext, req: RequestContext, location: ApiLocation): Identity | Reply {
  const identity = callerIdentity(ctx, req);
  if (!identity) return unauthorized(ctx);
  return checkApiVersion(req, location) ?? identity;
}
