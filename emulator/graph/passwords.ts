import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { generateSecretText, secretHint } from '../core/secrets';
import { json, type Reply, type RequestContext } from '../http/types';
import { DEFAULT_SECRET_LIFETIME_MS } from '../state/load-org';
import { authorizeApplication } from './access';
import { graphError, graphIdHeaders } from './errors';
import { jsonBody, writeQuota } from './writes';

function dateField(value: unknown): Date | null | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * `POST …/addPassword` (GRAPHDOCS `application-addpassword.md`): body
 * `{passwordCredential: {displayName?, startDateTime?, endDateTime?}}`, default end two years after
 * start; 200 with the credential including `secretText`, the only time it is ever returned. The
 * new secret works for token requests only after the propagation delay (azure-apis.md §2.2).
 */
export function addPassword(ctx: EmulatorContext, req: RequestContext): Reply {
  const found = authorizeApplication(ctx, req, 'write', (caller) => writeQuota(ctx, req, caller));
  if ('status' in found) return found;
  const parsed = jsonBody(ctx, req);
  if ('status' in parsed) return parsed;
  const { body } = parsed;
  const input = (body['passwordCredential'] ?? {}) as Record<string, unknown>;
  const now = ctx.clock.now();
  const start = dateField(input['startDateTime']);
  const end = dateField(input['endDateTime']);
  if (start === null || end === null)
    return graphError(
      req,
      ctx.clock,
      400,
      'Request_BadRequest',
      'Invalid value specified for property startDateTime or endDateTime.',
    );
  const startDateTime = start ?? now;
  const endDateTime = end ?? new Date(startDateTime.getTime() + DEFAULT_SECRET_LIFETIME_MS);
  if (endDateTime.getTime() <= startDateTime.getTime()) {
    return graphError(
      req,
      ctx.clock,
      400,
      'Request_BadRequest',
      'Invalid lifetime: endDateTime must be later than startDateTime.',
    );
  }
  const displayName = typeof input['displayName'] === 'string' ? input['displayName'] : null;
  const secretText = generateSecretText();
  const credential = {
    keyId: randomUUID(),
    displayName,
    startDateTime,
    endDateTime,
    secretText,
    hint: secretHint(secretText),
    usableFrom: new Date(now.getTime() + ctx.faults.propagationDelayMs),
  };
  ctx.store.addPassword(found.app, credential);
  return json(
    200,
    {
      '@odata.context': `${ctx.urls.graph}/v1.0/$metadata#microsoft.graph.passwordCredential`,
      customKeyIdentifier: null,
      displayName,
      endDateTime: endDateTime.toISOString(),
      hint: credential.hint,
      keyId: credential.keyId,
      secretText,
      startDateTime: startDateTime.toISOString(),
    },
    graphIdHeaders(req),
  );
}

/** `POST …/removePassword` with `{keyId}` (GRAPHDOCS `application-removepassword.md`): 204. */
export function removePassword(ctx: EmulatorContext, req: RequestContext): Reply {
  const found = authorizeApplication(ctx, req, 'write', (caller) => writeQuota(ctx, req, caller));
  if ('status' in found) return found;
  const parsed = jsonBody(ctx, req);
  if ('status' in parsed) return parsed;
  const { body } = parsed;
  const keyId = body['keyId'];
  if (typeof keyId !== 'string' || keyId === '') {
    return graphError(req, ctx.clock, 400, 'Request_BadRequest', "The request body must contain 'keyId'.");
  }
  if (!ctx.store.removePassword(found.app, keyId)) {
    return graphError(
      req,
      ctx.clock,
      404,
      'Request_ResourceNotFound',
      `No password credential with keyId '${keyId}' exists on the application.`,
    );
  }
  return { status: 204, headers: graphIdHeaders(req) };
}
