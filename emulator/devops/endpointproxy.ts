import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { isJsonObject, parseJsonObject } from '../core/json';
import { type ClientCredential, checkClientCredential } from '../entra/credential-check';
import { json, type Reply, type RequestContext } from '../http/types';
import { CERTIFICATE_KEY, getIgnoreCase, isAzureRm, SECRET_KEY } from '../state/endpoint-fields';
import type { ServiceConnection, StoredSecret } from '../state/model';
import { admit } from './auth';
import { accessDenied, hasRole, requireConnection, routeProject } from './connection-access';
import { badRequest } from './errors';
import { LOCATIONS } from './locations';
import { federationOf, TOKEN_EXCHANGE_AUDIENCE } from './workload-identity';

type Details = {
  scheme: string;
  parameters: Readonly<Record<string, string | null>>;
  data: Readonly<Record<string, string>>;
};

async function storedValue(
  ctx: EmulatorContext,
  secret: StoredSecret | undefined,
): Promise<string | undefined> {
  if (!secret) return undefined;
  if (secret.kind === 'literal') return secret.value;
  const app = ctx.store.applicationByAppId(secret.appId);
  const credential = app?.keyCredentials.find((k) => k.keyId === secret.keyId);
  if (!app || !credential) return undefined;
  const material = await ctx.certificates.material(app, credential);
  return `${material.certificatePem}${material.privateKeyPem}`;
}

/** The stored details, or the proposed `serviceEndpointDetails` (a null secret there means the stored one). */
function detailsOf(connection: ServiceConnection, body: Record<string, unknown>): Details {
  const proposed = isJsonObject(body['serviceEndpointDetails']) ? body['serviceEndpointDetails'] : null;
  const authorization =
    proposed && isJsonObject(proposed['authorization']) ? proposed['authorization'] : null;
  if (!authorization) {
    const parameters: Record<string, string | null> = { ...connection.parameters };
    for (const key of connection.confidential.keys()) parameters[key] = null;
    return { scheme: connection.scheme, parameters, data: connection.data };
  }
  const parameters: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(
    isJsonObject(authorization['parameters']) ? authorization['parameters'] : {},
  )) {
    if (value === null || typeof value === 'string') parameters[key] = value;
  }
  const data = isJsonObject(proposed?.['data'])
    ? (proposed['data'] as Record<string, string>)
    : connection.data;
  return {
    scheme: typeof authorization['scheme'] === 'string' ? authorization['scheme'] : connection.scheme,
    parameters,
    data,
  };
}

async function credentialOf(
  ctx: EmulatorContext,
  connection: ServiceConnection,
  details: Details,
): Promise<ClientCredential | 'managed'> {
  if (details.scheme === 'ManagedServiceIdentity') return 'managed';
  if (details.scheme === 'WorkloadIdentityFederation') {
    return { kind: 'federated', ...federationOf(ctx.store, connection), audience: TOKEN_EXCHANGE_AUDIENCE };
  }
  const certificate = getIgnoreCase(details.parameters, 'authenticationType') === 'spnCertificate';
  const key = certificate ? CERTIFICATE_KEY : SECRET_KEY;
  const sent = getIgnoreCase(details.parameters, key);
  const value =
    sent === null ? await storedValue(ctx, connection.confidential.get(key)) : (sent ?? undefined);
  if (value === undefined) return { kind: 'none' };
  return certificate ? { kind: 'certificatePem', pem: value } : { kind: 'secret', value };
}

function result(statusCode: string, errorMessage: string, value: unknown): Reply {
  return json(200, {
    result: value,
    statusCode,
    errorMessage,
    activityId: randomUUID(),
    callbackRequired: false,
  });
}

/**
 * `POST {org}/{project}/_apis/serviceendpoint/endpointproxy?endpointId=…` with data source
 * `TestConnection` (azure-apis.md §1.8): proves the stored or proposed credentials would get a token,
 * with the same checks as the token endpoint. Always HTTP 200; success is `statusCode: "ok"`, a
 * failure carries the AADSTS text in `errorMessage`. Needs the User role.
 */
export async function executeEndpointRequest(ctx: EmulatorContext, req: RequestContext): Promise<Reply> {
  const identity = admit(ctx, req, LOCATIONS.endpointProxy);
  if ('status' in identity) return identity;
  const project = routeProject(ctx, req);
  if ('status' in project) return project;
  const endpointId = req.query.get('endpointId');
  if (!endpointId) return badRequest('Value cannot be null.\r\nParameter name: endpointId');
  const connection = requireConnection(ctx, identity, endpointId, project);
  if ('status' in connection) return connection;
  if (!hasRole(identity, connection, 'User')) return accessDenied(identity, connection, 'User', 'use it');
  const body = parseJsonObject(req.body);
  if (!body) return badRequest('The request body is not a JSON object.');
  const source =
    isJsonObject(body) && isJsonObject(body['dataSourceDetails'])
      ? body['dataSourceDetails']['dataSourceName']
      : undefined;
  if (
    typeof source !== 'string' ||
    source.toLowerCase() !== 'testconnection' ||
    !isAzureRm(connection.type)
  ) {
    return badRequest(
      `Data source '${String(source)}' is not found for service connection type '${connection.type}'.`,
    );
  }
  const details = detailsOf(connection, body);
  const credential = await credentialOf(ctx, connection, details);
  const subscriptionId = getIgnoreCase(details.data, 'subscriptionId') ?? '';
  const subscription = JSON.stringify({
    id: `/subscriptions/${subscriptionId}`,
    subscriptionId,
    displayName: getIgnoreCase(details.data, 'subscriptionName') ?? '',
    state: 'Enabled',
  });
  // Managed identities authenticate on the agent's machine; the service cannot check them (not modelled).
  if (credential === 'managed') return result('ok', '', [subscription]);
  const tenantId = getIgnoreCase(details.parameters, 'tenantid') ?? '';
  const appId = getIgnoreCase(details.parameters, 'serviceprincipalid') ?? '';
  const check = checkClientCredential(ctx, tenantId, appId, credential);
  if (check.ok) return result('ok', '', [subscription]);
  const { failure } = check;
  return result(
    failure.status === 401 ? 'unauthorized' : 'badRequest',
    `Failed to obtain the Json Web Token(JWT) using service principal client ID. Exception Message: AADSTS${failure.code}: ${failure.description}`,
    null,
  );
}
