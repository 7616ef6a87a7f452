/**
 * The retry policy around calls made through azure-devops-node-api.
 *
 * node-api (typed-rest-client 3.1.2 underneath) does not retry 429, ignores `Retry-After` and never
 * retries PUT/POST (azure-apis.md §5), so its own retries stay off and this wrapper decides. Its
 * failures are `Error`s carrying `statusCode`, `result` (the parsed body) and `responseHeaders`
 * (typed-rest-client `RestClient.processResponse`); their `message` may be the raw body, so it is
 * never reused: errors are rebuilt from status, the service's `typeKey`, and the request id.
 * A 404 on GET resolves to null inside node-api and never reaches this wrapper.
 */
import type { Clock } from '../clock';
import { type ErrorCode, RotatorError } from '../errors';
import type { Logger } from '../logger';
import { httpErrorFor } from './http-errors';
import type { Limiter } from './limiter';
import { networkOutcome } from './network-error';
import type { HeaderBag } from './retry-after';
import { type AttemptResult, retryLoop } from './retry-loop';
import type { AttemptOutcome, RetryOptions } from './retry-policy';

/** Options of {@link withRetries}. */
export interface WithRetriesOptions {
  /** A stable operation name, e.g. `devops.endpoints.update`. */
  operation: string;
  /** Whether repeating the call is harmless. */
  idempotent: boolean;
  retry: Readonly<RetryOptions>;
  clock: Clock;
  logger: Logger;
  limiter: Limiter;
  signal?: AbortSignal | undefined;
  /** Names the object concerned in error messages. */
  subject?: string;
  /** Chooses a code for a final failure with an HTTP status; undefined keeps the default. */
  codeFor?: (status: number, serviceCode: string | undefined) => ErrorCode | undefined;
  /** What the user should do, for a final failure with the given code. */
  fixFor?: (code: ErrorCode) => string | undefined;
}

/** The fields node-api attaches to its HTTP errors (`unreadable`: see `devops-session.ts`). */
interface NodeApiError extends Error {
  statusCode?: unknown;
  result?: unknown;
  responseHeaders?: HeaderBag;
  unreadable?: unknown;
}

/** Runs a node-api call under the retry policy and the limiter; failures become `HttpError`s. */
export function withRetries<T>(call: () => Promise<T>, options: WithRetriesOptions): Promise<T> {
  return retryLoop<T>(() => options.limiter.run(() => attempt(call, options)), {
    retry: options.retry,
    clock: options.clock,
    idempotent: options.idempotent,
    operation: options.operation,
    logger: options.logger,
    signal: options.signal,
  });
}

async function attempt<T>(call: () => Promise<T>, options: WithRetriesOptions): Promise<AttemptResult<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    // Already one of ours (the rotator's Entra token for Azure DevOps failed, after its own
    // retries): say that, not "an error in azure-devops-node-api".
    if (error instanceof RotatorError) throw error;
    const outcome = outcomeOf(error);
    if (!outcome) {
      throw new RotatorError('devops.failed', `${options.operation} failed: ${describeClientError(error)}`, {
        cause: error,
      });
    }
    const headers = (error as NodeApiError).responseHeaders;
    const code =
      outcome.kind === 'status' ? options.codeFor?.(outcome.status, outcome.serviceCode) : undefined;
    return {
      ok: false,
      outcome,
      error: httpErrorFor({
        service: 'devops',
        operation: options.operation,
        outcome,
        headers,
        nowMs: options.clock.now(),
        fixFor: options.fixFor,
        ...(code === undefined ? {} : { code }),
        ...(options.subject === undefined ? {} : { subject: options.subject }),
      }),
    };
  }
}

/** Reads a node-api failure as an outcome the policy can judge; undefined for other errors. */
export function outcomeOf(error: unknown): AttemptOutcome | undefined {
  if (!(error instanceof Error)) return undefined;
  const { statusCode, result, responseHeaders, unreadable } = error as NodeApiError;
  if (typeof statusCode === 'number' && statusCode > 0 && unreadable === true) {
    return { kind: 'malformed', status: statusCode };
  }
  if (typeof statusCode === 'number' && statusCode > 0) {
    const serviceCode = serviceCodeOf(result);
    return {
      kind: 'status',
      status: statusCode,
      ...(responseHeaders === undefined ? {} : { headers: responseHeaders }),
      ...(serviceCode === undefined ? {} : { serviceCode }),
    };
  }
  return networkOutcome(error);
}

/** Azure DevOps error bodies name the exception in `typeKey` (azure-apis.md §1.10). */
function serviceCodeOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const typeKey = (result as { typeKey?: unknown }).typeKey;
  return typeof typeKey === 'string' && /^[A-Za-z0-9_.]{1,100}$/.test(typeKey) ? typeKey : undefined;
}

function describeClientError(error: unknown): string {
  return error instanceof Error ? `${error.name} in azure-devops-node-api` : 'unknown error';
}
