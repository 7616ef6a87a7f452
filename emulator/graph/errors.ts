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
