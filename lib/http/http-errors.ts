/**
 * Builds {@link HttpError}s from safe parts only: service, operation, status, the service's error
 * code and the request id. Never the body, never headers verbatim (STYLE "Errors"; Octokit
 * `RequestError` and Azure `RestError` redact the same way).
 */
import { type ErrorCode, HttpError, type RotatorErrorOptions, type ServiceName } from '../errors';
import type { ProxyFailure } from './proxy-failure';
import { type HeaderBag, headerValue, retryAfterMs } from './retry-after';
import { type AttemptOutcome, CONCURRENCY_VIOLATION } from './retry-policy';

/** Request id headers, in order of preference: Graph, Azure Resource Manager style, Azure DevOps. */
const REQUEST_ID_HEADERS = ['request-id', 'x-ms-request-id', 'x-vss-e2eid', 'activityid', 'x-tfs-session'];

/** The request id a service sent, when it looks like an id (never arbitrary header text). */
export function requestIdFrom(headers: HeaderBag | undefined): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = safeCode(headerValue(headers, name));
    if (value) return value;
  }
  return undefined;
}

/**
 * `value` when it is short and made of identifier characters (an error code, a GUID), else
 * undefined. Keeps free text of a response out of error messages.
 */
export function safeCode(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return /^[A-Za-z0-9_.:-]{1,100}$/.test(trimmed) ? trimmed : undefined;
}

/** The error code for a failed response of `service` with `status` (and the service's code). */
export function codeForStatus(service: ServiceName, status: number, serviceCode?: string): ErrorCode {
  if (status === 429 || serviceCode === CONCURRENCY_VIOLATION) return 'http.throttled';
  if (status >= 500) return 'http.unavailable';
  if (service === 'entra') return 'auth.failed';
  switch (status) {
    case 401:
      return service === 'devops' ? 'devops.unauthorized' : 'graph.unauthorized';
    case 403:
      return service === 'devops' ? 'devops.forbidden' : 'graph.forbidden';
    case 404:
      return service === 'devops' ? 'devops.not_found' : 'graph.not_found';
    case 400:
    case 409:
    case 412:
    case 422:
      return service === 'devops' ? 'devops.bad_request' : 'graph.bad_request';
    default:
      return service === 'devops' ? 'devops.failed' : 'graph.failed';
  }
}

/** Everything needed to describe a failed attempt. */
export interface FailureContext {
  service: ServiceName;
  operation: string;
  outcome: AttemptOutcome;
  /** Headers of the failed response, for the request id and `Retry-After`. */
  headers?: HeaderBag | undefined;
  nowMs: number;
  /** Overrides the code derived from the outcome. */
  code?: ErrorCode;
  /** A sentence naming the object concerned (connection, app) to put after the summary. */
  subject?: string;
  /** What the user should do, given the final code. */
  fixFor?: ((code: ErrorCode) => string | undefined) | undefined;
  cause?: unknown;
}

/** The {@link HttpError} for a failed attempt. */
export function httpErrorFor(context: FailureContext): HttpError {
  const { service, operation, outcome } = context;
  const status = outcome.kind === 'network' ? 0 : outcome.status;
  const serviceCode = outcome.kind === 'status' ? safeCode(outcome.serviceCode) : undefined;
  const requestId = requestIdFrom(context.headers);
  const retryAfter = retryAfterMs(context.headers, context.nowMs);
  let code: ErrorCode;
  let what: string;
  switch (outcome.kind) {
    case 'network':
      if (outcome.proxy) {
        code = 'http.proxy_failed';
        what = `${outcome.proxy.reason} (proxy ${outcome.proxy.proxy}, host ${outcome.proxy.host})`;
        break;
      }
      code = outcome.error === 'timeout' ? 'http.timeout' : 'http.network';
      what = outcome.error === 'timeout' ? 'no answer in time' : `network error (${outcome.error})`;
      break;
    case 'malformed':
      code = 'http.malformed_response';
      what = `unreadable response (HTTP ${outcome.status})`;
      break;
    case 'status':
      code = codeForStatus(service, outcome.status, serviceCode);
      what = `HTTP ${outcome.status}${serviceCode ? ` ${serviceCode}` : ''}`;
      break;
  }
  const message =
    `${operation} failed: ${what}` +
    (context.subject ? ` (${context.subject})` : '') +
    (requestId ? `; request id ${requestId}` : '');
  const finalCode = context.code ?? code;
  const fix =
    outcome.kind === 'network' && outcome.proxy ? proxyFix(outcome.proxy) : context.fixFor?.(finalCode);
  const options: RotatorErrorOptions = {
    ...(fix === undefined ? {} : { fix }),
    ...(context.cause === undefined ? {} : { cause: context.cause }),
  };
  return new HttpError(
    finalCode,
    message,
    {
      service,
      operation,
      status,
      ...(serviceCode === undefined ? {} : { serviceCode }),
      ...(requestId === undefined ? {} : { requestId }),
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    },
    options,
  );
}

/** What to check when the proxy failed. */
export function proxyFix(failure: ProxyFailure): string {
  return (
    `Check ${failure.settings}: is ${failure.proxy} the proxy of this network and does it accept these ` +
    `credentials, or should ${failure.host} be on the bypass list?`
  );
}
