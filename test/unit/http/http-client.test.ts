import assert from 'node:assert/strict';
import { staticTokenProvider } from '../../../lib/auth/token-provider';
import { HttpError, RotatorError } from '../../../lib/errors';
import { failureOutcome, JsonHttpClient } from '../../../lib/http/http-client';
import { createLimiter } from '../../../lib/http/limiter';
import { FakeClock } from './fake-clock';

const TOKEN = 'eyJ0b2tlbi10aGF0LW11c3Qtbm90LWxlYWs';

type Reply = Response | Error | 'hang';

/** A fetch that answers from a script and records what was asked. */
function scriptedFetch(replies: Reply[]) {
  const calls: Array<{
    url: string;
    method: string;
    headers: Record<string, string>;
    body: string | undefined;
  }> = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: init?.body as string | undefined,
    });
    const reply = replies.shift();
    if (reply === undefined) throw new Error('no scripted reply left');
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    if (reply instanceof Error) throw reply;
    return reply;
  }) as typeof fetch;
  return { fetchImpl, calls };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function socketError(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

function client(replies: Reply[], clock = new FakeClock(), timeoutMs = 1000) {
  const scripted = scriptedFetch(replies);
  const http = new JsonHttpClient({
    service: 'graph',
    baseUrl: 'https://graph.example/v1.0',
    tokenProvider: staticTokenProvider(TOKEN),
    scope: 'https://graph.example/.default',
    clock,
    fetch: scripted.fetchImpl,
    timeoutMs,
    retry: { random: () => 0.5, baseDelayMs: 100 },
    serviceCodeOf: (body) => (body as { error?: { code?: unknown } } | undefined)?.error?.code,
  });
  return { http, calls: scripted.calls, clock };
}

describe('JsonHttpClient', () => {
  it('sends JSON with the bearer token and parses the answer', async () => {
    const { http, calls } = client([json(200, { value: [1] })]);
    const response = await http.request<{ value: number[] }>({
      method: 'POST',
      path: '/things',
      body: { a: 1 },
      operation: 'graph.things.create',
    });
    assert.deepEqual(response.body, { value: [1] });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.url, 'https://graph.example/v1.0/things');
    assert.equal(calls[0]!.headers['authorization'], `Bearer ${TOKEN}`);
    assert.equal(calls[0]!.headers['content-type'], 'application/json');
    assert.equal(calls[0]!.body, '{"a":1}');
  });

  it('waits out 429 and 503 as asked, then returns the result', async () => {
    const { http, calls, clock } = client([
      json(429, { error: { code: 'TooManyRequests' } }, { 'Retry-After': '2' }),
      json(503, {}, { 'retry-after-ms': '1500' }),
      json(200, { ok: true }),
    ]);
    const response = await http.request({ method: 'GET', path: '/x', operation: 'graph.x.get' });
    assert.deepEqual(response.body, { ok: true });
    assert.equal(calls.length, 3);
    assert.deepEqual(clock.sleeps, [2000, 1500]);
  });

  it('maps an HTML page on a success status to http.malformed_response after retrying a GET', async () => {
    const html = () =>
      new Response('<html>gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const { http, calls, clock } = client([html(), html(), html(), html(), html(), html()]);
    const error = await http.request({ method: 'GET', path: '/x', operation: 'graph.x.get' }).catch((e) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'http.malformed_response');
    assert.equal(error.status, 200);
    assert.equal(calls.length, 6);
    assert.deepEqual(clock.sleeps, [75, 150, 300, 600, 1200]);
  });

  it('does not repeat a POST after a 500 and keeps the outcome for reconciliation', async () => {
    const { http, calls } = client([
      json(500, { error: { code: 'InternalError', message: `secret ${TOKEN}` } }),
    ]);
    const error = await http
      .request({ method: 'POST', path: '/x', operation: 'graph.x.add' })
      .catch((e) => e);
    assert.equal(calls.length, 1);
    assert.equal(error.code, 'http.unavailable');
    assert.equal(error.serviceCode, 'InternalError');
    const outcome = failureOutcome(error);
    assert.ok(outcome?.kind === 'status');
    assert.equal(outcome.status, 500);
    assert.equal(outcome.serviceCode, 'InternalError');
    assert.ok(!error.message.includes(TOKEN));
    assert.ok(!error.message.includes('secret'));
  });

  it('repeats a POST refused with 429, but not one reset mid-way', async () => {
    const refused = client([json(429, {}, { 'Retry-After': '1' }), json(200, { done: 1 })]);
    await refused.http.request({ method: 'POST', path: '/x', operation: 'graph.x.add' });
    assert.equal(refused.calls.length, 2);
    const reset = client([socketError('ECONNRESET'), json(200, {})]);
    const error = await reset.http
      .request({ method: 'POST', path: '/x', operation: 'graph.x.add' })
      .catch((e) => e);
    assert.equal(reset.calls.length, 1);
    assert.equal(error.code, 'http.network');
    assert.equal(error.status, 0);
    assert.deepEqual(failureOutcome(error), { kind: 'network', error: 'reset' });
  });

  it('times out a hanging request as http.timeout', async () => {
    const { http, calls } = client(['hang'], new FakeClock(), 20);
    const error = await http
      .request({ method: 'POST', path: '/x', operation: 'graph.x.add', idempotent: false })
      .catch((e) => e);
    assert.equal(calls.length, 1);
    assert.equal(error.code, 'http.timeout');
    assert.deepEqual(failureOutcome(error), { kind: 'network', error: 'timeout' });
  });

  it('maps statuses to codes with the service code, request id and fix, never the body', async () => {
    const { http } = client([
      json(
        403,
        { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges: body text' } },
        { 'request-id': '7d5e0c1a-1111-2222-3333-444455556666' },
      ),
    ]);
    const error = await http
      .request({
        method: 'POST',
        path: '/applications/abc/addPassword',
        operation: 'graph.applications.addPassword',
        subject: 'application abc',
        fixFor: (code) => (code === 'graph.forbidden' ? 'grant it' : undefined),
      })
      .catch((e) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'graph.forbidden');
    assert.equal(error.status, 403);
    assert.equal(error.serviceCode, 'Authorization_RequestDenied');
    assert.equal(error.requestId, '7d5e0c1a-1111-2222-3333-444455556666');
    assert.equal(error.fix, 'grant it');
    assert.equal(
      error.message,
      'graph.applications.addPassword failed: HTTP 403 Authorization_RequestDenied (application abc); request id 7d5e0c1a-1111-2222-3333-444455556666',
    );
  });

  it('accepts listed failure statuses as answers', async () => {
    const { http } = client([json(404, { error: { code: 'NotFound' } })]);
    const response = await http.request({
      method: 'POST',
      path: '/x',
      operation: 'graph.x.remove',
      acceptStatuses: [404],
    });
    assert.equal(response.status, 404);
  });

  it('refuses to send the token to another origin', async () => {
    const { http, calls } = client([json(200, {})]);
    await assert.rejects(
      http.request({ method: 'GET', path: 'https://evil.example/v1.0/x', operation: 'graph.x.get' }),
      (error: unknown) => error instanceof RotatorError && error.code === 'internal',
    );
    assert.equal(calls.length, 0);
  });

  it('holds a limiter slot per attempt only', async () => {
    const limiter = createLimiter(1);
    const scripted = scriptedFetch([json(429, {}, { 'Retry-After': '1' }), json(200, {})]);
    const clock = new FakeClock();
    let activeDuringSleep = -1;
    clock.sleep = async (ms) => {
      activeDuringSleep = limiter.active;
      clock.sleeps.push(ms);
    };
    const http = new JsonHttpClient({
      service: 'graph',
      baseUrl: 'https://graph.example/v1.0',
      tokenProvider: staticTokenProvider(TOKEN),
      scope: 's',
      clock,
      limiter,
      fetch: scripted.fetchImpl,
    });
    await http.request({ method: 'GET', path: '/x', operation: 'graph.x.get' });
    assert.equal(activeDuringSleep, 0);
    assert.deepEqual(clock.sleeps, [1000]);
  });
});
