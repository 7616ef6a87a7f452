import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { json, type Reply, type RequestContext } from '../http/types';
import type { FederatedCredential } from '../state/model';
import { authorizeApplication } from './access';
import { graphError, graphIdHeaders } from './errors';
import { jsonBody, writeQuota } from './writes';

/** At most 20 federated credentials per application (GRAPHDOCS `application-post-federatedidentitycredentials.md`). */
const MAX_PER_APP = 20;

/** A federated credential as Graph returns it; a flexible one has `subject` null (ENTRADOCS flexible FICs). */
export function federatedCredentialView(f: FederatedCredential): Record<string, unknown> {
  return {
    id: f.id,
    name: f.name,
    issuer: f.issuer,
    subject: f.subject,
    ...(f.claimsMatchingExpression === undefined
      ? {}
      : { claimsMatchingExpression: { value: f.claimsMatchingExpression, languageVersion: 1 } }),
    description: f.description,
    audiences: [...f.audiences],
  };
}

const view = federatedCredentialView;

function contextUrl(ctx: EmulatorContext, objectId: string, entity: boolean): string {
  return `${ctx.urls.graph}/v1.0/$metadata#applications('${objectId}')/federatedIdentityCredentials${entity ? '/$entity' : ''}`;
}

/** `GET …/federatedIdentityCredentials`. */
export function listFederatedCredentials(ctx: EmulatorContext, req: RequestContext): Reply {
  const found = authorizeApplication(ctx, req, 'read');
  if ('status' in found) return found;
  return json(
    200,
    {
      '@odata.context': contextUrl(ctx, found.app.objectId, false),
      value: found.app.federatedIdentityCredentials.map(view),
    },
    graphIdHeaders(req),
  );
}

function stringField(
  body: Record<string, unknown>,
  name: string,
  max: number,
  required: boolean,
): string | null | undefined {
  const value = body[name];
  if (value === undefined || value === null) return required ? null : undefined;
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : null;
}

/**
 * `POST …/federatedIdentityCredentials` → 201. `name` ≤ 120 characters, `issuer` and `subject`
 * ≤ 600 and unique together per app, exactly one audience, at most 20 per app.
 */
export function createFederatedCredential(ctx: EmulatorContext, req: RequestContext): Reply {
  const found = authorizeApplication(ctx, req, 'write', (caller) => writeQuota(ctx, req, caller));
  if ('status' in found) return found;
  const parsed = jsonBody(ctx, req);
  if ('status' in parsed) return parsed;
  const { body } = parsed;
  const bad = (message: string) => graphError(req, ctx.clock, 400, 'Request_BadRequest', message);
  const name = stringField(body, 'name', 120, true);
  const issuer = stringField(body, 'issuer', 600, true);
  const subject = stringField(body, 'subject', 600, true);
  const description = stringField(body, 'description', 600, false);
  if (!name || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) return bad("Invalid value for property 'name'.");
  if (!issuer) return bad("Invalid value for property 'issuer'.");
  if (!subject) return bad("Invalid value for property 'subject'.");
  if (description === null) return bad("Invalid value for property 'description'.");
  const audiences = body['audiences'];
  if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== 'string') {
    return bad("Property 'audiences' must contain exactly one value.");
  }
  const existing = found.app.federatedIdentityCredentials;
  if (existing.length >= MAX_PER_APP)
    return bad(`An application can have at most ${MAX_PER_APP} federated identity credentials.`);
  if (existing.some((f) => f.name.toLowerCase() === name.toLowerCase())) {
    return graphError(
      req,
      ctx.clock,
      409,
      'Request_MultipleObjectsWithSameKeyValue',
      `A federated identity credential named '${name}' already exists.`,
    );
  }
  if (existing.some((f) => f.issuer === issuer && f.subject === subject)) {
    return bad(
      'A federated identity credential with the same issuer and subject already exists on the application.',
    );
  }
  const credential: FederatedCredential = {
    id: randomUUID(),
    name,
    issuer,
    subject,
    audiences: [audiences[0]],
    description: description ?? null,
    // Sign-ins relying on it fail with AADSTS70021 for a while (federation-and-certificates.md §1.4).
    usableFrom: new Date(ctx.clock.nowMs() + ctx.faults.propagationDelayMs),
  };
  ctx.store.addFederatedCredential(found.app, credential);
  return json(
    201,
    { '@odata.context': contextUrl(ctx, found.app.objectId, true), ...view(credential) },
    graphIdHeaders(req),
  );
}

/**
 * `DELETE …/federatedIdentityCredentials/{id or name}` → 204; 404 `Request_ResourceNotFound` when
 * there is none (GRAPHDOCS `federatedidentitycredential-delete.md`; `name` is an alternate key).
 */
export function deleteFederatedCredential(ctx: EmulatorContext, req: RequestContext): Reply {
  const found = authorizeApplication(ctx, req, 'write', (caller) => writeQuota(ctx, req, caller));
  if ('status' in found) return found;
  const key = decodeURIComponent(req.params['fic'] ?? '');
  if (!ctx.store.removeFederatedCredential(found.app, key)) {
    return graphError(
      req,
      ctx.clock,
      404,
      'Request_ResourceNotFound',
      `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  return { status: 204, headers: graphIdHeaders(req) };
}
