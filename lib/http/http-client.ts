/**
 * The JSON client over global `fetch` used for Microsoft Graph and the Azure DevOps OIDC endpoint:
 * base URL, bearer token per attempt, per-request timeout, the one retry policy, the service's
 * limiter per attempt. Failures become {@link HttpError}s built from safe parts; unreadable
 * success bodies become `http.malformed_response`.
 */
import type { TokenProvider } from '../auth/token-provider';
import type { Clock } from '../clock';
import { type ErrorCode, type HttpError, RotatorError, type ServiceName } from '../errors';
import { type Logger, silentLogger } from '../logger';
import { httpErrorFor, safeCode } from './http-errors';
import { type Limiter, unlimited } from './limiter';
import { networkOutcome, RequestTimeoutError } from './network-error';
import { type AttemptResult, retryLoop } from './retry-loop';
import { type AttemptOutcome, DEFAULT_RETRY_OPTIONS, type RetryOptions } from './retry-policy';

/** Options of {@link JsonHttpClient}. */
export interface JsonHttpClientOptions {
  service: ServiceName;
  /** Origin and base path, e.g. `https://graph.microsoft.com/v1.0`. */
  baseUrl: string;
  /** Where bearer tokens come from; called per attempt (providers cache). */
  tokenProvider: TokenProvider;
  /** Scope asked of {@link tokenProvider}. */
  scope: string;
  clock: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** @default unlimited */
  limiter?: Limiter;
  /** Overrides of {@link DEFAULT_RETRY_OPTIONS}. */
  retry?: Partial<RetryOptions>;
  /**
   * Time allowed for one attempt, until the whole body is read.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Extracts the service's error code from an error body (Graph `error.code`).
   * @default none
   */
  serviceCodeOf?: (body: unknown) => unknown;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** One request. */
export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the base URL (`/applications/...`), or an absolute URL on the same origin. */
  path: string;
  body?: unknown;
  /** A stable operation name, e.g. `graph.applications.get`. */
  operation: string;
  /**
   * Whether repeating the request is harmless.
   * @default true for GET, PUT and DELETE; false for POST and PATCH
   */
  idempotent?: boolean;
  /** Failure statuses that are answers, not errors (e.g. 404 on a removal). */
  acceptStatuses?: readonly number[];
  /** Names the object concerned in error messages (`application <appId>`). */
  subject?: string;
  /** Chooses a code (e.g. with a fix) for a final failure; return undefined to keep the default. */
  codeFor?: (status: number, serviceCode: string | undefined) => ErrorCode | undefined;
  /** What the user should do, for final failures with the given code. */
  fixFor?: (code: ErrorCode) => string | undefined;
  headers?: Record<string, string>;
  /** Awaited before every attempt (e.g. the Graph write pacer). */
  beforeAttempt?: () => Promise<void>;
  signal?: AbortSignal | undefined;
}

/** A response with a success (or accepted) status. */
export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON; undefined for an empty body. */
  body: T | undefined;
}

const outcomes = new WeakMap<Error, AttemptOutcome>();

/** The outcome behind an error thrown by {@link JsonHttpClient.request}, if it came from one. */
export function failureOutcome(error: unknown): AttemptOutcome | undefined {
  return error instanceof Error ? outcomes.get(error) : undefined;
}

/** Records the outcome behind an error built outside the client (see {@link failureOutcome}). */
export function attachOutcome<E extends Error>(error: E, outcome: AttemptOutcome): E {
  outcomes.set(error, outcome);
  return error;
}

/** See the file comment. */
export class JsonHttpClient {
  readonly service: ServiceName;
  private readonly base: URL;
  private readonly options: JsonHttpClientOptions;
  private readonly retry: Readonly<RetryOptions>;
  private readonly logger: Logger;
  private readonly limiter: Limiter;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: JsonHttpClientOptions) {
    this.options = options;
    this.service = options.service;
    this.base = new URL(options.baseUrl.replace(/\/+$/, ''));
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.logger = options.logger ?? silentLogger;
    this.limiter = options.limiter ?? unlimited;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** Sends `request`, retrying as the policy allows; resolves with the final response. */
  async request<T>(request: JsonRequest): Promise<JsonResponse<T>> {
    const idempotent = request.idempotent ?? ['GET', 'PUT', 'DELETE'].includes(request.method);
    const url = this.resolve(request.path);
    const run = async () => {
      await request.beforeAttempt?.();
      return this.limiter.run(() => this.attempt<T>(url, request));
    };
    return retryLoop<JsonResponse<T>>(run, {
      retry: this.retry,
      clock: this.options.clock,
      idempotent,
      operation: request.operation,
      logger: this.logger,
      signal: request.signal,
    });
  }

  /** Sends `request` once; failures come back as data for the caller's own loop. */
  async attempt<T>(url: URL, request: JsonRequest): Promise<AttemptResult<JsonResponse<T>>> {
    const token = await this.options.tokenProvider.getToken(this.options.scope, request.signal);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RequestTimeoutError(this.timeoutMs)), this.timeoutMs);
    const onAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...request.headers,
      authorization: `Bearer ${token}`,
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method: request.method,
        headers,
        signal: controller.signal,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      text = await response.text();
    } catch (error) {
      if (request.signal?.aborted) {
        throw new RotatorError('rotation.aborted', `${request.operation} was cancelled`, { cause: error });
      }
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      const outcome = networkOutcome(reason);
      if (outcome === undefined) throw error;
      return this.failure(request, outcome, undefined);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }

    const parsed = parseJson(text);
    const ok =
      (response.status >= 200 && response.status < 300) || request.acceptStatuses?.includes(response.status);
    if (ok) {
      if (parsed === MALFORMED) {
        return this.failure(request, { kind: 'malformed', status: response.status }, response.headers);
      }
      return { ok: true, value: { status: response.status, headers: response.headers, body: parsed as T } };
    }
    const serviceCode = parsed === MALFORMED ? undefined : safeCode(this.options.serviceCodeOf?.(parsed));
    return this.failure(
      request,
      {
        kind: 'status',
        status: response.status,
        headers: response.headers,
        ...(serviceCode === undefined ? {} : { serviceCode }),
      },
      response.headers,
    );
  }

  /** The absolute URL for a request path; refuses other origins so tokens never leave. */
  resolve(path: string): URL {
    if (/^https?:\/\//i.test(path)) {
      const url = new URL(path);
      if (url.origin !== this.base.origin) {
        throw new RotatorError('internal', `refusing to send a ${this.service} token to another origin`);
      }
      return url;
    }
    return new URL(`${this.base.href}${path.startsWith('/') ? '' : '/'}${path}`);
  }

  private failure<T>(
    request: JsonRequest,
    outcome: AttemptOutcome,
    headers: Headers | undefined,
  ): AttemptResult<T> {
    const status = outcome.kind === 'network' ? 0 : outcome.status;
    const serviceCode = outcome.kind === 'status' ? outcome.serviceCode : undefined;
    const code = outcome.kind === 'status' ? request.codeFor?.(status, serviceCode) : undefined;
    const error: HttpError = httpErrorFor({
      service: this.service,
      operation: request.operation,
      outcome,
      headers,
      nowMs: this.options.clock.now(),
      fixFor: request.fixFor,
      ...(code === undefined ? {} : { code }),
      ...(request.subject === undefined ? {} : { subject: request.subject }),
    });
    outcomes.set(error, outcome);
    return { ok: false, outcome, error };
  }
}

const MALFORMED = Symbol('malformed');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED;
  }
}
