/**
 * A fake Entra authority behind an injected `fetch`: OpenID metadata for any tenant, and a token
 * endpoint answering from a script. Lets the real msal-node run in unit tests without sockets.
 */

export const AUTHORITY_HOST = 'https://login.test:8443';

export interface TokenCall {
  tenant: string;
  form: URLSearchParams;
}

export type TokenReply =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | 'reset'
  | ((call: TokenCall) => { status: number; body: unknown; headers?: Record<string, string> });

export function tokenOk(token = 'access-token-1', expiresIn = 3599): TokenReply {
  return { status: 200, body: { token_type: 'Bearer', expires_in: expiresIn, access_token: token } };
}

export function aadstsError(code: number, status = 401, error = 'invalid_client'): TokenReply {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: description with details that must not be copied`,
      error_codes: [code],
      timestamp: '2026-11-23 03:00:00Z',
      trace_id: '00000000-0000-0000-0000-000000000001',
      correlation_id: '00000000-0000-0000-0000-000000000002',
    },
  };
}

export class FakeAuthority {
  readonly tokenCalls: TokenCall[] = [];
  metadataCalls = 0;

  constructor(private readonly replies: TokenReply[]) {}

  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const [, tenant = '', ...rest] = url.pathname.split('/');
    const path = rest.join('/');
    if ((init?.method ?? 'GET') === 'GET' && path === 'v2.0/.well-known/openid-configuration') {
      this.metadataCalls += 1;
      const base = `${url.origin}/${tenant}`;
      return json(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${url.origin}/${tenant}/discovery/v2.0/keys`,
      });
    }
    if (init?.method === 'POST' && path === 'oauth2/v2.0/token') {
      const call = { tenant, form: new URLSearchParams(String(init.body)) };
      this.tokenCalls.push(call);
      const reply = this.replies.shift();
      if (reply === undefined) throw new Error('no scripted token reply left');
      if (reply === 'reset') {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
        });
      }
      const answer = typeof reply === 'function' ? reply(call) : reply;
      return json(answer.status, answer.body, answer.headers);
    }
    return json(404, { error: 'not_found' });
  }) as typeof fetch;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** The decoded header of a compact JWT. */
export function jwtHeader(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8'));
}
