import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { decodeJwt, numericClaim, signJwt, stringClaim, verifyJwtSignature } from '../core/jwt';
import type { Application } from '../state/model';

/** Azure DevOps' resource (app) id: tokens for it carry this `aud` (azure-apis.md §1.2). */
export const DEVOPS_RESOURCE = '499b84ac-1321-427f-aa17-267ca6975798';
/** The other name of the same resource (TASKS `azure-arm-endpoint.ts`). */
export const DEVOPS_RESOURCE_URL = 'https://app.vssps.visualstudio.com';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Access tokens live one hour (`expires_in: 3599`, ENTRADOCS client-credentials example). */
export const ACCESS_TOKEN_LIFETIME_S = 3599;

/** The audiences Graph accepts: the emulator's base URL, and the real Graph names. */
export function graphAudiences(ctx: EmulatorContext): string[] {
  return [
    ctx.urls.graph,
    `${ctx.urls.graph}/`,
    'https://graph.microsoft.com',
    'https://graph.microsoft.com/',
    GRAPH_APP_ID,
  ];
}

/** The audiences Azure DevOps accepts. */
export const DEVOPS_AUDIENCES: readonly string[] = [
  DEVOPS_RESOURCE,
  DEVOPS_RESOURCE_URL,
  `${DEVOPS_RESOURCE_URL}/`,
];

/** The issuer of tokens for a tenant: the tenant authority's v2.0 endpoint on the emulator. */
export function tenantIssuer(ctx: EmulatorContext, tenantId: string): string {
  return `${ctx.urls.authorityHost}/${tenantId}/v2.0`;
}

/**
 * Issues an app-only access token for `resource` (the scope without `/.default`). When the resource
 * is Graph the token carries the app's Graph application permissions as `roles`, as Entra does.
 */
export function issueAccessToken(ctx: EmulatorContext, app: Application, resource: string): string {
  const now = Math.floor(ctx.clock.nowMs() / 1000);
  const isGraph = graphAudiences(ctx).includes(resource);
  const payload: Record<string, unknown> = {
    aud: resource,
    iss: tenantIssuer(ctx, app.tenantId),
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_LIFETIME_S + 1,
    appid: app.appId,
    azp: app.appId,
    idtyp: 'app',
    oid: app.servicePrincipal?.objectId ?? app.objectId,
    sub: app.servicePrincipal?.objectId ?? app.objectId,
    tid: app.tenantId,
    uti: randomUUID(),
    ver: '2.0',
  };
  if (isGraph && app.graphPermissions.size > 0) payload['roles'] = [...app.graphPermissions];
  return signJwt(payload, ctx.entraKey);
}

/** The claims the emulated services rely on. */
export interface AccessTokenClaims {
  readonly appId: string;
  readonly tenantId: string;
  readonly objectId: string;
  readonly audience: string;
  readonly roles: readonly string[];
}

/** Why a bearer token was refused. */
export type TokenProblem = 'missing' | 'malformed' | 'signature' | 'issuer' | 'audience' | 'expired';

/** Verifies a token this emulator's Entra issued, for one of `audiences`. */
export function verifyAccessToken(
  ctx: EmulatorContext,
  token: string,
  audiences: readonly string[],
): { ok: true; claims: AccessTokenClaims } | { ok: false; problem: TokenProblem } {
  const jwt = decodeJwt(token);
  if (!jwt) return { ok: false, problem: 'malformed' };
  if (!verifyJwtSignature(jwt, ctx.entraKey.publicKey)) return { ok: false, problem: 'signature' };
  const tenantId = stringClaim(jwt.payload, 'tid') ?? '';
  if (stringClaim(jwt.payload, 'iss') !== tenantIssuer(ctx, tenantId))
    return { ok: false, problem: 'issuer' };
  const audience = stringClaim(jwt.payload, 'aud') ?? '';
  if (!audiences.includes(audience)) return { ok: false, problem: 'audience' };
  const exp = numericClaim(jwt.payload, 'exp') ?? 0;
  if (exp * 1000 <= ctx.clock.nowMs()) return { ok: false, problem: 'expired' };
  const roles = jwt.payload['roles'];
  return {
    ok: true,
    claims: {
      appId: stringClaim(jwt.payload, 'appid') ?? '',
      tenantId,
      objectId: stringClaim(jwt.payload, 'oid') ?? '',
      audience,
      roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
    },
  };
}

/** The token from an `Authorization: Bearer` header, or null. */
export function bearerToken(headers: Readonly<Record<string, string>>): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers['authorization'] ?? '');
  return match?.[1] ?? null;
}
