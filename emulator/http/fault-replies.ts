import { CONCURRENCY_SHAPES, type FaultRule } from '../faults';
import { type Outcome, RESET, type Reply, type RequestContext, type ServiceDefinition } from './types';

/** Graph's text for `Directory_ConcurrencyViolation` (seen in the wild as 409, 503 and 400). */
const CONCURRENCY_MESSAGE =
  'Error due to concurrent requests being made to the tenant. Please wait briefly and retry.';

const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function retryHeaders(rule: FaultRule): Record<string, string> {
  if (rule.omitRetryAfter) return {};
  if (rule.retryAfterMs !== undefined) {
    const ms = String(Math.round(rule.retryAfterMs));
    return { 'retry-after-ms': ms, 'x-ms-retry-after-ms': ms };
  }
  return { 'retry-after': String(rule.retryAfterSeconds ?? 1) };
}

function withHeaders(reply: Reply, headers: Readonly<Record<string, string>>): Reply {
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

function htmlPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>The service is temporarily unable to process your request.</p></body></html>\n`;
}

function truncated(performed: Reply | null): Reply {
  const full =
    performed?.json !== undefined
      ? JSON.stringify(performed.json)
      : '{"count":1,"value":[{"id":"00000000-0000';
  return {
    status: performed?.status ?? 200,
    headers: performed?.headers ?? {},
    text: full.slice(0, Math.max(1, Math.floor(full.length / 2))),
    contentType: 'application/json; charset=utf-8',
  };
}

/** The real answer without some of its top-level fields (`{}` when the operation did not run). */
function withoutFields(performed: Reply | null, fields: readonly string[]): Reply {
  const json = performed?.json;
  const body =
    typeof json === 'object' && json !== null && !Array.isArray(json)
      ? Object.fromEntries(Object.entries(json).filter(([key]) => !fields.includes(key)))
      : {};
  return { status: performed?.status ?? 200, headers: performed?.headers ?? {}, json: body };
}

/** Names the shape of a concurrency refusal on the reply, for the request log. */
export const FAULT_SHAPE_HEADER = 'x-emulator-fault-shape';

/** Status and code of each shape of the concurrency refusal (see `ConcurrencyShape`). */
const SHAPES: Readonly<Record<(typeof CONCURRENCY_SHAPES)[number], { status: number; code: string }>> = {
  conflict: { status: 409, code: 'Directory_ConcurrencyViolation' },
  unavailable: { status: 503, code: 'ServiceUnavailable' },
  bad_request: { status: 400, code: 'Directory_ConcurrencyViolation' },
  bad_request_message: { status: 400, code: 'Request_BadRequest' },
};

/** Graph's concurrency refusal in the rule's shape; `cycle` picks the next shape per hit. */
function concurrencyRefusal(
  rule: FaultRule,
  error: (status: number, code: string, message: string) => Reply,
): Reply {
  const name =
    rule.shape === 'cycle'
      ? CONCURRENCY_SHAPES[(Math.max(1, rule.hits) - 1) % CONCURRENCY_SHAPES.length]!
      : (rule.shape ?? 'conflict');
  const shape = SHAPES[name];
  const reply = error(rule.status ?? shape.status, shape.code, rule.message ?? CONCURRENCY_MESSAGE);
  const asksWait = rule.retryAfterSeconds !== undefined || rule.retryAfterMs !== undefined;
  return withHeaders(asksWait ? withHeaders(reply, retryHeaders(rule)) : reply, {
    [FAULT_SHAPE_HEADER]: name,
  });
}

/** An endpointproxy answer that is HTTP 200 yet failed, as the real service reports failures. */
function proxyError(message: string): Reply {
  return {
    status: 200,
    json: {
      result: null,
      statusCode: 'internalServerError',
      errorMessage: message,
      activityId: '00000000-0000-0000-0000-000000000000',
    },
  };
}

/**
 * The response a fault produces, shaped like the service's own errors. `performed` is the real
 * reply when the rule is `afterEffect` (the operation already happened).
 */
export function faultOutcome(
  rule: FaultRule,
  service: ServiceDefinition,
  ctx: RequestContext,
  performed: Reply | null,
): Outcome {
  const error = (status: number, code: string, message: string) => service.error(ctx, status, code, message);
  switch (rule.kind) {
    case 'reset':
      return RESET;
    case 'throttle':
      return withHeaders(
        error(429, 'TooManyRequests', rule.message ?? 'Too many requests. Retry later.'),
        retryHeaders(rule),
      );
    case 'unavailable':
      return withHeaders(
        error(
          rule.status ?? 503,
          'ServiceUnavailable',
          rule.message ?? 'The service is temporarily unavailable.',
        ),
        retryHeaders(rule),
      );
    case 'concurrency':
      return concurrencyRefusal(rule, error);
    case 'status': {
      const status = rule.status ?? 500;
      return error(
        status,
        STATUS_CODES[status] ?? 'Error',
        rule.message ?? `Injected fault: HTTP ${status}.`,
      );
    }
    case 'malformed': {
      if (rule.malformed === 'truncated-json') return truncated(performed);
      if (rule.malformed === 'missing-fields') return withoutFields(performed, rule.fields ?? []);
      if (rule.malformed === 'html') {
        const status = rule.status ?? 502;
        return { status, text: htmlPage(status), contentType: 'text/html; charset=utf-8' };
      }
      const message = rule.message ?? 'An internal error occurred.';
      if (ctx.operation === 'devops.endpointproxy.execute') return proxyError(message);
      return { ...error(500, 'InternalServerError', message), status: 200 };
    }
    case 'delay':
      return performed ?? error(500, 'InternalServerError', 'A delay rule cannot decide a response.');
    case 'drop_key':
      // Carried out by the handler (dispatch.ts); reaching here means the route does not support it.
      return (
        performed ??
        error(500, 'InternalServerError', 'A drop_key rule applies to PATCH keyCredentials only.')
      );
  }
}
