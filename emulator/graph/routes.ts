import type { EmulatorContext } from '../context';
import type { DispatchEnvironment } from '../http/dispatch';
import { dispatch } from '../http/dispatch';
import type { FaultTarget, RequestContext, ServiceDefinition } from '../http/types';
import { addressedApplication, graphCallerId } from './access';
import { getApplication, listApplications } from './applications';
import { executeBatch } from './batch';
import { graphError } from './errors';
import {
  createFederatedCredential,
  deleteFederatedCredential,
  listFederatedCredentials,
} from './federated-credentials';
import { updateApplication } from './key-credentials';
import { addPassword, removePassword } from './passwords';
import { getServicePrincipal, listServicePrincipals } from './service-principals';

/** `applications/{objectId}` or `applications(appId='{appId}')` (GRAPHDOCS `application-get.md`). */
const APP = "/v1\\.0/applications(?:/(?<objectId>[^/()]+)|\\(appId='(?<appId>[^'/]+)'\\))";

function appTarget(ctx: EmulatorContext) {
  return (req: RequestContext): FaultTarget => {
    const app = addressedApplication(ctx, req);
    const target: FaultTarget = {};
    if (app) {
      target.appId = app.appId;
      target.tenantId = app.tenantId;
    } else if (req.params['appId']) target.appId = req.params['appId'];
    return target;
  };
}

/** The Microsoft Graph v1.0 service: applications, credentials, service principals, `$batch`. */
export function graphService(ctx: EmulatorContext, env: DispatchEnvironment): ServiceDefinition {
  const target = appTarget(ctx);
  const service: ServiceDefinition = {
    name: 'graph',
    identify: (req) => graphCallerId(ctx, req),
    error: (req, status, code, message) => graphError(req, ctx.clock, status, code, message),
    routes: [
      {
        method: 'GET',
        pattern: /^\/v1\.0\/applications$/,
        operation: 'graph.applications.list',
        handle: (req) => listApplications(ctx, req),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^${APP}$`),
        operation: 'graph.applications.get',
        target,
        handle: (req) => getApplication(ctx, req),
      },
      {
        method: 'PATCH',
        pattern: new RegExp(`^${APP}$`),
        operation: 'graph.applications.update',
        write: true,
        target,
        handle: (req) => updateApplication(ctx, req),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^${APP}/addPassword$`),
        operation: 'graph.applications.addPassword',
        write: true,
        target,
        handle: (req) => addPassword(ctx, req),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^${APP}/removePassword$`),
        operation: 'graph.applications.removePassword',
        write: true,
        target,
        handle: (req) => removePassword(ctx, req),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^${APP}/federatedIdentityCredentials$`),
        operation: 'graph.fic.list',
        target,
        handle: (req) => listFederatedCredentials(ctx, req),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^${APP}/federatedIdentityCredentials$`),
        operation: 'graph.fic.create',
        write: true,
        target,
        handle: (req) => createFederatedCredential(ctx, req),
      },
      {
        method: 'DELETE',
        pattern: new RegExp(`^${APP}/federatedIdentityCredentials/(?<fic>[^/]+)$`),
        operation: 'graph.fic.delete',
        write: true,
        target,
        handle: (req) => deleteFederatedCredential(ctx, req),
      },
      {
        method: 'GET',
        pattern: /^\/v1\.0\/servicePrincipals$/,
        operation: 'graph.servicePrincipals.list',
        handle: (req) => listServicePrincipals(ctx, req),
      },
      {
        method: 'GET',
        pattern: /^\/v1\.0\/servicePrincipals\(appId='(?<appId>[^'/]+)'\)$/,
        operation: 'graph.servicePrincipals.get',
        target,
        handle: (req) => getServicePrincipal(ctx, req),
      },
      {
        method: 'POST',
        pattern: /^\/v1\.0\/\$batch$/,
        operation: 'graph.batch',
        handle: (req) => executeBatch(ctx, req, (inner) => dispatch(service, inner, env, req.seq)),
      },
    ],
  };
  return service;
}
