import { randomUUID } from 'node:crypto';
import type { EmulatorClock } from '../clock';
import type { Reply, RequestContext } from '../http/types';

/** A refused token request, in Entra's terms. */
export interface AadFailure {
  readonly status: number;
  /** OAuth error: `invalid_client`, `unauthorized_client`, `invalid_request`, `invalid_scope`, ... */
  readonly error: string;
  /** The AADSTS number (`7000215`); msal-node surfaces it as `errorNo`. */
  readonly code: number;
  /** The text after `AADSTSnnnn: `. */
  readonly description: string;
}

/** Builds a failure; kept here so every AADSTS text lives in one file. */
export function aadFailure(status: number, error: string, code: number, description: string): AadFailure {
  return { status, error, code, description };
}

function timestamp(clock: EmulatorClock): string {
  return clock
    .now()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * The token endpoint's error body (ENTRADOCS `reference-error-codes.md`, client-credentials doc):
 * `{error, error_description, error_codes, timestamp, trace_id, correlation_id, error_uri}`.
 */
export function entraErrorReply(ctx: RequestContext, clock: EmulatorClock, failure: AadFailure): Reply {
  const traceId = ctx.requestId;
  const correlationId = ctx.headers['client-request-id'] ?? randomUUID();
  const time = timestamp(clock);
  return {
    status: failure.status,
    headers: { 'x-ms-request-id': traceId, 'cache-control': 'no-store, no-cache' },
    json: {
      error: failure.error,
      error_description: `AADSTS${failure.code}: ${failure.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${time}`,
      error_codes: [failure.code],
      timestamp: time,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
    },
  };
}

/**
 * A generic failure (injected faults, unknown routes) in the same shape. The AADSTS numbers are
 * Entra's general ones: 90033 transient error, 90055 throttled, 90002-style 404s, 900144 bad request.
 */
export function genericAadFailure(status: number, message: string): AadFailure {
  if (status === 429) return aadFailure(429, 'temporarily_unavailable', 90055, message);
  if (status >= 500) return aadFailure(status, 'temporarily_unavailable', 90033, message);
  if (status === 404) return aadFailure(404, 'invalid_request', 90002, message);
  return aadFailure(status, 'invalid_request', 900144, message);
}
