/**
 * Classifies errors thrown below HTTP into a {@link NetworkErrorKind}, for both clients in use:
 * global `fetch` (undici: `TypeError('fetch failed')` with the socket error as `cause`) and
 * typed-rest-client under azure-devops-node-api (Node socket errors with a `code`, and
 * `Error('Request timeout: <path>')` when its socket timeout fires, see its `HttpClient.js`).
 */
import { proxyFailureOf } from './proxy-failure';
import type { AttemptOutcome, NetworkErrorKind } from './retry-policy';

const BY_CODE: Readonly<Record<string, NetworkErrorKind>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNREFUSED: 'refused',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
};

/** Marker for a per-request timeout we fired ourselves. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * The kind of network failure `error` is, or undefined when it is not one (an HTTP error, a bug,
 * a cancellation by the caller).
 */
export function classifyNetworkError(error: unknown): NetworkErrorKind | undefined {
  if (error instanceof RequestTimeoutError) return 'timeout';
  if (!(error instanceof Error)) return undefined;
  if (proxyFailureOf(error)) return 'proxy';
  if (error.name === 'TimeoutError') return 'timeout';
  // `fetch` wraps the socket error; the cause chain may be several levels deep.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in BY_CODE) return BY_CODE[code];
    if (current.message.startsWith('Request timeout:')) return 'timeout';
    if (current.message === 'other side closed') return 'reset';
    current = (current as { cause?: unknown }).cause;
  }
  if (error instanceof TypeError && error.message === 'fetch failed') return 'other';
  return undefined;
}

/** The network outcome for `error` (with the proxy failure, if any), or undefined as above. */
export function networkOutcome(error: unknown): Extract<AttemptOutcome, { kind: 'network' }> | undefined {
  const kind = classifyNetworkError(error);
  if (kind === undefined) return undefined;
  const proxy = proxyFailureOf(error);
  return { kind: 'network', error: kind, ...(proxy === undefined ? {} : { proxy }) };
}
