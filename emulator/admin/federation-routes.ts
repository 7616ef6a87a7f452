/**
 * Admin routes for workload identity federation:
 *
 * - `POST /_admin/connections/{id}/updateIssuer` plays a person pressing **Update** in the portal
 *   for a connection on the legacy Azure DevOps issuer (federation-and-certificates.md §1.1): it
 *   succeeds only when the app already trusts the Entra issuer and subject (the product prepared
 *   it, or someone added the credential and pressed "Try again"), and then the connection uses
 *   the Entra issuer at once. There is no documented REST call for this (§1.2), so it lives here.
 * - `PUT /_admin/federation` sets `conversionDelayMs` (how long ConvertAuthenticationScheme stays
 *   InProgress) and `entraSubjectPrefix` (null: the computed one).
 */
import type { EmulatorContext } from '../context';
import { parseJsonObject } from '../core/json';
import { endpointView } from '../devops/endpoint-view';
import { settlePending } from '../devops/pending-conversion';
import { federationOf, TOKEN_EXCHANGE_AUDIENCE } from '../devops/workload-identity';
import { json, type Reply, type RequestContext, type Route } from '../http/types';

const error = (status: number, message: string): Reply =>
  json(status, { error: { code: status === 404 ? 'NotFound' : 'BadRequest', message } });

/** The portal's Update of one connection's issuer; see the file comment. */
export function updateIssuer(ctx: EmulatorContext, connectionId: string): Reply {
  const connection = ctx.store.connection(connectionId);
  if (!connection) return error(404, `No service connection '${connectionId}'.`);
  settlePending(ctx, connection);
  if (connection.scheme !== 'WorkloadIdentityFederation') {
    return error(400, `Service connection '${connection.name}' does not use workload identity federation.`);
  }
  if (connection.issuerType !== 'EntraID') {
    const target = federationOf(ctx.store, { ...connection, issuerType: 'EntraID' });
    const app = ctx.store.applicationByAppId(connection.parameters['serviceprincipalid'] ?? '');
    const trusted = app?.federatedIdentityCredentials.some(
      (f) =>
        f.issuer === target.issuer &&
        f.subject === target.subject &&
        f.audiences.includes(TOKEN_EXCHANGE_AUDIENCE),
    );
    if (!trusted) {
      return error(
        409,
        `The identity of '${connection.name}' could not be updated automatically. Add a federated credential with Issuer '${target.issuer}', Subject identifier '${target.subject}' and Audience '${TOKEN_EXCHANGE_AUDIENCE}', then try again.`,
      );
    }
    connection.issuerType = 'EntraID';
    connection.modificationDate = ctx.clock.now();
  }
  return json(200, endpointView(ctx, connection, null, 'null'));
}

function settings(ctx: EmulatorContext, req: RequestContext): Reply {
  const input = parseJsonObject(req.body);
  if (!input) return error(400, 'Expected a JSON object.');
  const delay = input['conversionDelayMs'];
  const prefix = input['entraSubjectPrefix'];
  if (delay !== undefined && (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0))
    return error(400, 'conversionDelayMs must be a number >= 0.');
  if (prefix !== undefined && prefix !== null && typeof prefix !== 'string')
    return error(400, 'entraSubjectPrefix must be a string or null.');
  if (typeof delay === 'number') ctx.store.conversionDelayMs = delay;
  if (prefix !== undefined) ctx.store.entraSubjectPrefix = prefix;
  return json(200, {
    conversionDelayMs: ctx.store.conversionDelayMs,
    entraSubjectPrefix: ctx.store.entraSubjectPrefix,
  });
}

/** The routes above, for `adminService`. */
export function federationRoutes(ctx: EmulatorContext): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/_admin\/connections\/(?<id>[^/]+)\/updateIssuer$/,
      operation: 'admin.updateIssuer',
      handle: (req) => updateIssuer(ctx, req.params['id'] ?? ''),
    },
    {
      method: 'PUT',
      pattern: /^\/_admin\/federation$/,
      operation: 'admin.federation',
      handle: (req) => settings(ctx, req),
    },
  ];
}
