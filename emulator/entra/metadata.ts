import type { EmulatorContext } from '../context';
import { publicJwk } from '../core/keys';
import { json, type Reply, type RequestContext } from '../http/types';
import { tenantIssuer } from './access-tokens';
import { aadFailure, entraErrorReply } from './errors';

function unknownTenant(ctx: EmulatorContext, req: RequestContext, tenant: string): Reply {
  return entraErrorReply(
    req,
    ctx.clock,
    aadFailure(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    ),
  );
}

/**
 * `GET /{tenant}/v2.0/.well-known/openid-configuration`. msal-node fetches it when the authority
 * host is in `knownAuthorities`, requires `authorization_endpoint`, `token_endpoint`, `issuer` and
 * `jwks_uri`, and accepts the issuer when it is on the authority's own host (msal-common
 * `Authority.validateIssuer`, rule 1; `isOpenIdConfigResponse`).
 */
export function openIdConfiguration(ctx: EmulatorContext, req: RequestContext): Reply {
  const tenant = req.params['tenant'] ?? '';
  if (!ctx.store.tenants.has(tenant.toLowerCase())) return unknownTenant(ctx, req, tenant);
  const base = `${ctx.urls.authorityHost}/${tenant}`;
  return json(200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: tenantIssuer(ctx, tenant),
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(ctx.urls.authorityHost).host,
    cloud_graph_host_name: new URL(ctx.urls.graph).host,
    msgraph_host: new URL(ctx.urls.graph).host,
  });
}

/** `GET /{tenant}/discovery/v2.0/keys`: the token-signing key, so tokens can be checked offline. */
export function signingKeys(ctx: EmulatorContext, req: RequestContext): Reply {
  const tenant = req.params['tenant'] ?? '';
  if (!ctx.store.tenants.has(tenant.toLowerCase())) return unknownTenant(ctx, req, tenant);
  return json(200, { keys: [publicJwk(ctx.entraKey)] });
}

/**
 * `GET /{tenant}/discovery/instance`: instance discovery. msal-node skips it when the host is in
 * `knownAuthorities`; answered anyway for clients configured without it.
 */
export function instanceDiscovery(ctx: EmulatorContext): Reply {
  const host = new URL(ctx.urls.authorityHost).host;
  return json(200, {
    tenant_discovery_endpoint: `${ctx.urls.authorityHost}/common/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}
