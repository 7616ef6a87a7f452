/**
 * A small in-memory Microsoft Graph behind an injected `fetch`, with hooks to fail requests.
 * Enough for the adapter's unit tests; the integration tests use the real emulator.
 */
import type { PasswordCredentialInfo } from '../../../lib/graph/types';

export const GRAPH = 'https://graph.test';

export interface FakeApp {
  id: string;
  appId: string;
  displayName: string;
  passwordCredentials: Array<PasswordCredentialInfo & { secretText?: string }>;
  keyCredentials?: unknown[];
}

export interface Seen {
  method: string;
  path: string;
  body: unknown;
}

/** Decides the fate of one (inner) request: undefined lets it through. */
export type Interceptor = (
  request: Seen,
) =>
  | { status: number; body?: unknown; headers?: Record<string, string>; afterEffect?: boolean }
  | 'reset'
  | 'after-effect-reset'
  | undefined;

export class FakeGraph {
  readonly requests: Seen[] = [];
  readonly batchSizes: number[] = [];
  interceptor: Interceptor = () => undefined;
  /** Page size of `GET /servicePrincipals` when it is smaller than the `$top` asked for. */
  servicePrincipalPageSize = 999;
  private nextKey = 1;

  constructor(
    readonly apps: FakeApp[],
    readonly servicePrincipals: Record<string, boolean> = {},
  ) {}

  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const path = decodeURIComponent(url.pathname.replace(/^\/v1\.0/, '')) + url.search;
    if (method === 'POST' && path === '/$batch') {
      this.requests.push({ method, path, body });
      const requests = (body as { requests: Array<{ id: string; method: string; url: string }> }).requests;
      this.batchSizes.push(requests.length);
      const responses = requests.map((r) => {
        const answer = this.handle({ method: r.method, path: decodeURIComponent(r.url), body: undefined });
        if (answer === 'reset' || answer === 'after-effect-reset')
          return { id: r.id, status: 500, headers: {}, body: {} };
        return { id: r.id, status: answer.status, headers: answer.headers ?? {}, body: answer.body };
      });
      return json(200, { responses: responses.reverse() });
    }
    const answer = this.handle({ method, path, body });
    if (answer === 'reset' || answer === 'after-effect-reset') {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      });
    }
    return json(answer.status, answer.body, answer.headers);
  }) as typeof fetch;

  private handle(
    request: Seen,
  ): { status: number; body?: unknown; headers?: Record<string, string> } | 'reset' | 'after-effect-reset' {
    this.requests.push(request);
    const intercepted = this.interceptor(request);
    if (intercepted === 'reset') return intercepted;
    if (intercepted && intercepted !== 'after-effect-reset' && !intercepted.afterEffect) return intercepted;
    // Not intercepted, or intercepted after performing the operation (the answer is then lost).
    const answer = this.route(request);
    return intercepted ?? answer;
  }

  private route(request: Seen): { status: number; body?: unknown; headers?: Record<string, string> } {
    const { method, path } = request;
    let match = /^\/applications\(appId='([^']+)'\)\?\$select=([^&]*)/.exec(path);
    if (method === 'GET' && match) {
      const app = this.apps.find((a) => a.appId === match![1]);
      return app ? { status: 200, body: this.view(app, match[2]!.split(',')) } : notFound();
    }
    match = /^\/applications\?\$filter=appId in \(([^)]*)\)&\$select=([^&]*)/.exec(path);
    if (method === 'GET' && match) {
      const ids = [...match[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!.toLowerCase());
      const listed = this.apps.filter((a) => ids.includes(a.appId.toLowerCase()));
      return { status: 200, body: { value: listed.map((a) => this.view(a, match![2]!.split(','))) } };
    }
    if (method === 'GET' && path.startsWith('/servicePrincipals?')) return this.listServicePrincipals(path);
    match = /^\/applications\/([^/?]+)(\/[A-Za-z]+)?(\?.*)?$/.exec(path);
    const app = match ? this.apps.find((a) => a.id === match![1]) : undefined;
    if (!match) return notFound();
    if (!app) return notFound();
    if (method === 'GET' && !match[2])
      return { status: 200, body: this.view(app, ['id', 'passwordCredentials']) };
    if (method === 'POST' && match[2] === '/addPassword') {
      const requested = (request.body as { passwordCredential: { displayName: string; endDateTime: string } })
        .passwordCredential;
      const keyId = `00000000-0000-0000-0000-${String(this.nextKey++).padStart(12, '0')}`;
      const secretText = `secret-${keyId}`;
      const credential = {
        keyId,
        displayName: requested.displayName,
        startDateTime: '2026-11-23T03:00:00Z',
        endDateTime: requested.endDateTime,
        hint: secretText.slice(0, 3),
      };
      app.passwordCredentials.push(credential);
      return { status: 200, body: { ...credential, secretText } };
    }
    if (method === 'GET' && match[2] === '/federatedIdentityCredentials') {
      const fic = (n: number) => ({
        id: `fic-${n}`,
        name: `fic${n}`,
        issuer: 'https://vstoken.dev.azure.com/org-id',
        subject: `sc://org/project/conn-${n}`,
        audiences: ['api://AzureADTokenExchange'],
        description: null,
      });
      return match[3] === '?$skiptoken=2'
        ? { status: 200, body: { value: [fic(2)] } }
        : {
            status: 200,
            body: {
              value: [fic(1)],
              '@odata.nextLink': `${GRAPH}/v1.0/applications/${app.id}/federatedIdentityCredentials?$skiptoken=2`,
            },
          };
    }
    if (method === 'POST' && match[2] === '/removePassword') {
      const keyId = (request.body as { keyId: string }).keyId;
      const index = app.passwordCredentials.findIndex((p) => p.keyId === keyId);
      if (index < 0) return notFound();
      app.passwordCredentials.splice(index, 1);
      return { status: 204 };
    }
    return notFound();
  }

  /** `$filter=accountEnabled eq true|false`, `$select`, `$top`, `$skiptoken` (an offset here). */
  private listServicePrincipals(path: string): { status: number; body?: unknown } {
    const query = new URLSearchParams(path.slice(path.indexOf('?') + 1));
    const filter = /^accountEnabled eq (true|false)$/.exec(query.get('$filter') ?? '');
    if (!filter) return { status: 400, body: { error: { code: 'Request_UnsupportedQuery', message: 'no' } } };
    const select = (query.get('$select') ?? 'id,appId,accountEnabled').split(',');
    const top = Math.min(Number(query.get('$top') ?? 100), this.servicePrincipalPageSize);
    const offset = Number(query.get('$skiptoken') ?? 0);
    const matching = Object.entries(this.servicePrincipals).filter(([, on]) => String(on) === filter[1]);
    const value = matching.slice(offset, offset + top).map(([appId, accountEnabled]) => {
      const all: Record<string, unknown> = { id: `sp-${appId}`, appId, accountEnabled };
      return Object.fromEntries(select.map((key) => [key, all[key]]));
    });
    if (offset + top >= matching.length) return { status: 200, body: { value } };
    query.set('$skiptoken', String(offset + top));
    return {
      status: 200,
      body: { value, '@odata.nextLink': `${GRAPH}/v1.0/servicePrincipals?${query.toString()}` },
    };
  }

  private view(app: FakeApp, select: string[]): Record<string, unknown> {
    const all: Record<string, unknown> = { ...app };
    return Object.fromEntries(select.filter((key) => key in all).map((key) => [key, all[key]]));
  }
}

function notFound() {
  return { status: 404, body: { error: { code: 'Request_ResourceNotFound', message: 'not found' } } };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 || body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
