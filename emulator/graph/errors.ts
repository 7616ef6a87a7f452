import type { EmulatorClock } from '../clock';
import type { Reply, RequestContext } from '../http/types';

/** `request-id` and `client-request-id`, which Graph puts on every response. */
export function graphIdHeaders(ctx: RequestContext): Record<string, string> {
  const headers: Record<string, string> = { 'request-id': ctx.requestId };
  const clientRequestId = ctx.headers['client-request-id'];
  if (clientRequestId) headers['client-request-id'] = clientRequestId;
  return headers;
}

/**
 * Graph's error body, `{error: {code, message, innerError: {date, request-id, client-request-id}}}`
 * (GRAPHDOCS `concepts/errors.md`).
 */
export function graphError(
  ctx: RequestContext,
  clock: EmulatorClock,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): Reply {
  const ids = graphIdHeaders(ctx);
  return {
    status,
    headers: { ...ids, ...headers },
    json: {
      error: {
        code,
        message,
        innerError: {
          date: clock
            .now()
            .toISOString()
            .replace(/\.\d+Z$/, ''),
          'request-id': ctx.requestId,
          'client-request-id': ids['client-request-id'] ?? ctx.requestId,
        },
      },
    },
  };
}

/** The message Graph gives when the caller lacks a permission. */
export const INSUFFICIENT_PRIVILEGES = 'Insufficient privileges to complete the operation.';

/** Graph's 404 for an object the caller cannot see (other tenant) or that does not exist. */
export function resourceNotFound(ctx: RequestContext, clock: EmulatorClock, id: string): Reply {
  return graphError(
    ctx,
    clock,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** Graph's 429 for an exhausted quota, with `Retry-After` (whole seconds) and the throttle scope. */
export function throttledReply(
  ctx: RequestContext,
  clock: EmulatorClock,
  retryAfterMs: number,
  scope: string,
  information: string,
  message: string,
): Reply {
  return graphError(ctx, clock, 429, 'TooManyRequests', message, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    'x-ms-throttle-scope': scope,
    'x-ms-throttle-information': information,
  });
}
