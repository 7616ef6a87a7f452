import type { EmulatorContext } from '../context';
import { json, type Reply, type RequestContext } from '../http/types';
import { ACCESS_TOKEN_LIFETIME_S, issueAccessToken } from './access-tokens';
import { type ClientCredential, checkClientCredential } from './credential-check';
import { type AadFailure, aadFailure, entraErrorReply } from './errors';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const forms = new WeakMap<RequestContext, URLSearchParams>();

/** The form fields of a token request (parsed once per request); HTTP Basic client auth is accepted too. */
export function tokenRequestForm(ctx: RequestContext): URLSearchParams {
  const known = forms.get(ctx);
  if (known) return known;
  const form = new URLSearchParams(ctx.body.toString('utf8'));
  const basic = /^Basic\s+(\S+)$/i.exec(ctx.headers['authorization'] ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && !form.has('client_id'))
      form.set('client_id', decodeURIComponent(decoded.slice(0, colon)));
    if (colon > 0 && !form.has('client_secret'))
      form.set('client_secret', decodeURIComponent(decoded.slice(colon + 1)));
  }
  forms.set(ctx, form);
  return form;
}

/**
 * `scope` for client credentials must name exactly one resource with `/.default`
 * (ENTRADOCS `v2-oauth2-client-creds-grant-flow.md`); returns the resource or a failure.
 */
function resourceFromScope(scope: string | null): string | AadFailure {
  if (!scope)
    return aadFailure(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  const scopes = scope.split(' ').filter((s) => s.length > 0);
  if (scopes.length !== 1) {
    return aadFailure(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    );
  }
  const only = scopes[0] ?? '';
  if (!only.endsWith('/.default')) {
    return aadFailure(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${only} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  return only.slice(0, -'/.default'.length);
}

function credentialOf(form: URLSearchParams, tokenEndpoint: string): ClientCredential | AadFailure {
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret && assertion) {
    return aadFailure(
      400,
      'invalid_request',
      90014,
      'Only one of client_secret and client_assertion may be sent.',
    );
  }
  if (assertion) {
    if (form.get('client_assertion_type') !== JWT_BEARER) {
      return aadFailure(400, 'invalid_request', 700023, `client_assertion_type must be '${JWT_BEARER}'.`);
    }
    return { kind: 'assertion', jwt: assertion, tokenEndpoint };
  }
  return secret ? { kind: 'secret', value: secret } : { kind: 'none' };
}

/** `POST /{tenant}/oauth2/v2.0/token`, client credentials grant (secret, certificate or federated). */
export function handleTokenRequest(ctx: EmulatorContext, req: RequestContext): Reply {
  const fail = (failure: AadFailure) => entraErrorReply(req, ctx.clock, failure);
  const tenantId = req.params['tenant'] ?? '';
  const form = tokenRequestForm(req);
  if (form.get('grant_type') !== 'client_credentials') {
    return fail(
      aadFailure(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.get('grant_type') ?? ''}'.`,
      ),
    );
  }
  const clientId = form.get('client_id');
  if (!clientId)
    return fail(
      aadFailure(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      ),
    );
  const resource = resourceFromScope(form.get('scope'));
  if (typeof resource !== 'string') return fail(resource);
  const credential = credentialOf(form, `${ctx.urls.authorityHost}/${tenantId}/oauth2/v2.0/token`);
  if ('status' in credential) return fail(credential);
  const check = checkClientCredential(ctx, tenantId, clientId, credential);
  if (!check.ok) return fail(check.failure);
  return json(
    200,
    {
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_S,
      ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
      access_token: issueAccessToken(ctx, check.app, resource),
    },
    { 'cache-control': 'no-store, no-cache', 'x-ms-request-id': req.requestId },
  );
}
