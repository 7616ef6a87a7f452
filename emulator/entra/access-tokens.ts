import { type KeyObject, randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import {
  type DecodedJwt,
  decodeJwt,
  numericClaim,
  signJwt,
  stringClaim,
  verifyJwtSignature,
} from '../core/jwt';
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

/**
 * Tokens whose signature a key verified, by token text. Graph checks the bearer token of every
 * request, each request inside a `$batch` too, and one RSA verification per request made a
 * benchmark of 12,000 batched reads spend much of the emulator's time here (bench/, issue #8). A
 * signature once verified stays valid for that key; issuer, audience and expiry are still checked
 * on every use. Bounded, because a long test run keeps minting tokens.
 */
const verifiedTokens = new WeakMap<KeyObject, Map<string, DecodedJwt>>();
const MAX_VERIFIED_TOKENS = 1000;

function verifiedJwt(token: string, key: KeyObject): DecodedJwt | 'malformed' | 'signature' {
  let cache = verifiedTokens.get(key);
  if (!cache) {
    cache = new Map();
    verifiedTokens.set(key, cache);
  }
  const known = cache.get(token);
  if (known) return known;
  const jwt = decodeJwt(token);
  if (!jwt) return 'malformed';
  if (!verifyJwtSignature(jwt, key)) return 'signature';
  if (cache.size >= MAX_VERIFIED_TOKENS) cache.clear();
  cache.set(token, jwt);
  return jwt;
}

/** Verifies a token this emulator's Entra issued, for one of `audiences`. */
export function verifyAccessToken(
  ctx: EmulatorContext,
  token: string,
  audiences: readonly string[],
): { ok: true; claims: AccessTokenClaims } | { ok: false; problem: TokenProblem } {
  const jwt = verifiedJwt(token, ctx.entraKey.publicKey);
  if (typeof jwt === 'string') return { ok: false, problem: jwt };
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
