import type { EmulatorContext } from '../context';
import type { RequestContext, ServiceDefinition } from '../http/types';
import { entraErrorReply, genericAadFailure } from './errors';
import { instanceDiscovery, openIdConfiguration, signingKeys } from './metadata';
import { handleTokenRequest, tokenRequestForm } from './token-endpoint';

const TENANT = '(?<tenant>[^/]+)';

/** The Entra ID service: OpenID metadata, signing keys, instance discovery and the token endpoint. */
export function entraService(ctx: EmulatorContext): ServiceDefinition {
  const tokenTarget = (req: RequestContext) => {
    const clientId = tokenRequestForm(req).get('client_id');
    return { tenantId: req.params['tenant'] ?? '', ...(clientId ? { appId: clientId } : {}) };
  };
  return {
    name: 'entra',
    identify: (req) => (req.operation === 'entra.token' ? tokenRequestForm(req).get('client_id') : null),
    error: (req, status, _code, message) =>
      entraErrorReply(req, ctx.clock, genericAadFailure(status, message)),
    routes: [
      {
        method: 'GET',
        pattern: new RegExp(`^/${TENANT}(?:/v2\\.0)?/\\.well-known/openid-configuration$`),
        operation: 'entra.metadata',
        target: (req) => ({ tenantId: req.params['tenant'] ?? '' }),
        handle: (req) => openIdConfiguration(ctx, req),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^/${TENANT}/discovery/(?:v2\\.0/)?keys$`),
        operation: 'entra.metadata',
        handle: (req) => signingKeys(ctx, req),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^/${TENANT}/discovery/instance$`),
        operation: 'entra.metadata',
        handle: () => instanceDiscovery(ctx),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^/${TENANT}/oauth2/v2\\.0/token$`),
        operation: 'entra.token',
        target: tokenTarget,
        handle: (req) => handleTokenRequest(ctx, req),
      },
    ],
  };
}
