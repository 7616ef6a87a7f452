import type { EmulatorContext } from '../context';
import { parseJsonObject } from '../core/json';
import type { Reply, RequestContext } from '../http/types';
import type { GraphCaller } from './access';
import { graphError, throttledReply } from './errors';

/**
 * Takes one write from the caller's (app, tenant) quota: 3,000 per 150 s (GRAPHDOCS
 * `concepts/throttling-limits.md`); over it, 429 with `Retry-After` and `x-ms-throttle-scope`.
 */
export function writeQuota(ctx: EmulatorContext, req: RequestContext, caller: GraphCaller): Reply | null {
  const throttled = ctx.throttles.write(caller.appId, caller.tenantId);
  if (!throttled) return null;
  return throttledReply(
    req,
    ctx.clock,
    throttled.retryAfterMs,
    `Tenant_Application/Write/${caller.appId}/${caller.tenantId}`,
    'WriteLimitExceeded',
    'Too many requests. The write quota for this application and tenant is exhausted.',
  );
}

/** The JSON body of a request, or a 400 in Graph's shape. Empty bodies read as `{}`. */
export function jsonBody(
  ctx: EmulatorContext,
  req: RequestContext,
): { body: Record<string, unknown> } | Reply {
  const body = parseJsonObject(req.body);
  if (body) return { body };
  return graphError(
    req,
    ctx.clock,
    400,
    'BadRequest',
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
}
