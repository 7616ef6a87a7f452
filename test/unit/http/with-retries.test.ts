import assert from 'node:assert/strict';
import { HttpError, RotatorError } from '../../../lib/errors';
import { unlimited } from '../../../lib/http/limiter';
import { DEFAULT_RETRY_OPTIONS } from '../../../lib/http/retry-policy';
import { outcomeOf, withRetries } from '../../../lib/http/with-retries';
import { silentLogger } from '../../../lib/logger';
import { FakeClock } from './fake-clock';

/** An error shaped like typed-rest-client's (message = raw body when it is not JSON). */
function nodeApiError(statusCode: number, result?: unknown, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(typeof result === 'string' ? result : 'Failed request'), {
    statusCode,
    ...(result === undefined ? {} : { result }),
    responseHeaders: headers,
  });
}

function sequence<T>(steps: Array<T | Error>) {
  let calls = 0;
  const fn = async () => {
    const step = steps[calls];
    calls += 1;
    if (step instanceof Error) throw step;
    return step as T;
  };
  return { fn, calls: () => calls };
}

function options(clock: FakeClock, idempotent = true) {
  return {
    operation: 'devops.endpoints.update',
    idempotent,
    retry: { ...DEFAULT_RETRY_OPTIONS, random: () => 0.5 },
    clock,
    logger: silentLogger,
    limiter: unlimited,
  };
}

describe('withRetries (azure-devops-node-api calls)', () => {
  it('waits out 429 with Retry-After, which node-api ignores, and returns the result', async () => {
    const clock = new FakeClock();
    const s = sequence<string>([
      nodeApiError(429, { typeKey: 'RequestBlockedException' }, { 'retry-after': '3' }),
      nodeApiError(503, undefined, {}),
      'stored',
    ]);
    assert.equal(await withRetries(s.fn, options(clock)), 'stored');
    assert.equal(s.calls(), 3);
    assert.deepEqual(clock.sleeps, [3000, 750]);
  });

  it('does not repeat a non-idempotent call after a reset', async () => {
    const clock = new FakeClock();
    const s = sequence<string>([Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'x']);
    const error = await withRetries(s.fn, options(clock, false)).catch((e) => e);
    assert.equal(s.calls(), 1);
    assert.equal(error.code, 'http.network');
  });

  it('reads a 2xx whose body could not be parsed (flagged unreadable) as a malformed answer', () => {
    const error = Object.assign(new Error('unreadable response (HTTP 200)'), {
      statusCode: 200,
      unreadable: true,
    });
    assert.deepEqual(outcomeOf(error), { kind: 'malformed', status: 200 });
  });

  it('reads typed-rest-client socket timeouts as timeouts', () => {
    assert.deepEqual(outcomeOf(new Error('Request timeout: /org/_apis/projects')), {
      kind: 'network',
      error: 'timeout',
    });
  });

  it('maps 401 to devops.unauthorized without the body in the message', async () => {
    const clock = new FakeClock();
    const body = 'TF400813: The user is not authorized; token=abcdefghijkl';
    const s = sequence<string>([nodeApiError(401, body, { 'x-vss-e2eid': 'e2e-0001' })]);
    const error = await withRetries(s.fn, options(clock)).catch((e) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'devops.unauthorized');
    assert.equal(error.requestId, 'e2e-0001');
    assert.equal(error.message, 'devops.endpoints.update failed: HTTP 401; request id e2e-0001');
    assert.equal(s.calls(), 1);
  });

  it('lets the caller choose a code and a fix (403 on update → devops.not_admin)', async () => {
    const clock = new FakeClock();
    const s = sequence<string>([nodeApiError(403, { typeKey: 'AccessDeniedException', message: 'denied' })]);
    const error = await withRetries(s.fn, {
      ...options(clock),
      subject: "service connection 'prod'",
      codeFor: (status) => (status === 403 ? 'devops.not_admin' : undefined),
      fixFor: (code) => (code === 'devops.not_admin' ? 'make it admin' : undefined),
    }).catch((e) => e);
    assert.equal(error.code, 'devops.not_admin');
    assert.equal(error.serviceCode, 'AccessDeniedException');
    assert.equal(error.fix, 'make it admin');
    assert.equal(
      error.message,
      "devops.endpoints.update failed: HTTP 403 AccessDeniedException (service connection 'prod')",
    );
  });

  it('wraps errors that are not HTTP failures as devops.failed', async () => {
    const clock = new FakeClock();
    const s = sequence<string>([new Error('Could not find information for resource area')]);
    const error = await withRetries(s.fn, options(clock)).catch((e) => e);
    assert.ok(error instanceof RotatorError);
    assert.equal(error.code, 'devops.failed');
    assert.equal(error.message, 'devops.endpoints.update failed: Error in azure-devops-node-api');
  });

  it('passes one of our errors through unchanged and tries once (the Entra token for Azure DevOps failed)', async () => {
    const clock = new FakeClock();
    const tokenFailure = new HttpError(
      'http.proxy_failed',
      'entra.token failed: the proxy refused the connection',
      {
        service: 'entra',
        operation: 'entra.token',
        status: 0,
      },
    );
    const s = sequence<string>([tokenFailure, 'x']);
    const error = await withRetries(s.fn, options(clock)).catch((e) => e);
    assert.equal(error, tokenFailure);
    assert.equal(s.calls(), 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('stops after the attempts the policy allows', async () => {
    const clock = new FakeClock();
    const s = sequence<string>(Array.from({ length: 10 }, () => nodeApiError(503)));
    const error = await withRetries(s.fn, options(clock)).catch((e) => e);
    assert.equal(error.code, 'http.unavailable');
    assert.equal(s.calls(), DEFAULT_RETRY_OPTIONS.maxAttempts);
    assert.deepEqual(clock.sleeps, [375, 750, 1500, 3000, 6000]);
  });

  it('stops waiting with rotation.aborted when the caller cancels', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const fn = async () => {
      controller.abort(new Error('cancelled by the agent'));
      throw nodeApiError(503);
    };
    const error = await withRetries(fn, { ...options(clock), signal: controller.signal }).catch((e) => e);
    assert.ok(error instanceof RotatorError);
    assert.equal(error.code, 'rotation.aborted');
    assert.deepEqual(clock.sleeps, []);
  });
});
