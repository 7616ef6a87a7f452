/**
 * Failures of the proxy, told apart from failures of the service behind it.
 *
 * Through a CONNECT proxy the only TCP connection a client opens is to the proxy, so a refused
 * connection, a host name that does not resolve or a connect timeout there is the proxy's, and a
 * status other than 200 to `CONNECT` (407 without the right credentials, 403 for a host the proxy
 * does not allow, 502 when it cannot reach the host) is the proxy's answer. Both clients say so in
 * their own words: undici's `ProxyAgent` (`Proxy response (407) !== 200 when HTTP Tunneling`, or
 * the socket error as `cause`) and the `tunnel` package under typed-rest-client
 * (`tunneling socket could not be established, statusCode=407` or `..., cause=connect ECONNREFUSED`,
 * both with code `ECONNRESET`). Such a failure is final (waiting does not fix a wrong proxy
 * setting) and its message names the proxy, the host and the settings to check.
 */

/** What is known about a failure of the proxy. Holds no credentials. */
export interface ProxyFailure {
  /** The proxy URL without credentials. */
  proxy: string;
  /** `host:port` the request was for. */
  host: string;
  /** What went wrong, in a few words. */
  reason: string;
  /** Where the proxy and its bypass list are configured, named in the fix. */
  settings: string;
}

/** Thrown by the proxied `fetch` and the Azure DevOps client when the proxy failed. */
export class ProxyFailureError extends Error {
  override readonly name = 'ProxyFailureError';
  constructor(
    readonly failure: ProxyFailure,
    cause: unknown,
  ) {
    super(`the proxy ${failure.proxy} could not connect to ${failure.host}: ${failure.reason}`, { cause });
  }
}

const SOCKET_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the proxy refused the connection',
  ENOTFOUND: 'the proxy host name does not resolve',
  EAI_AGAIN: 'the proxy host name does not resolve',
  EHOSTUNREACH: 'the proxy host is unreachable',
  ENETUNREACH: 'the proxy host is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'no connection to the proxy within the connect timeout',
  ETIMEDOUT: 'no connection to the proxy within the connect timeout',
};

/** A few words on what the proxy did, for a CONNECT answer with `status`. */
function statusReason(status: number): string {
  if (status === 407) return 'the proxy answered 407 (proxy authentication required: check the credentials)';
  return `the proxy answered ${status} to CONNECT`;
}

/**
 * Why `error`, thrown for a request sent through a proxy, is the proxy's failure; undefined when it
 * is not (a reset or timeout once the tunnel stood, an HTTP error of the service, a bug).
 */
export function proxyFailureReason(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    const undiciStatus = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/.exec(current.message);
    if (undiciStatus) return statusReason(Number(undiciStatus[1]));
    const tunnelStatus = /^tunneling socket could not be established, statusCode=(\d{3})$/.exec(
      current.message,
    );
    if (tunnelStatus) return statusReason(Number(tunnelStatus[1]));
    const tunnelCause = /^tunneling socket could not be established, cause=.*\b([A-Z_]{5,})\b/.exec(
      current.message,
    );
    if (tunnelCause?.[1] && tunnelCause[1] in SOCKET_REASONS) return SOCKET_REASONS[tunnelCause[1]];
    const code = (current as { code?: unknown }).code;
    // A code on the tunnel's own error is always ECONNRESET: only the patterns above tell.
    if (typeof code === 'string' && code in SOCKET_REASONS && !current.message.startsWith('tunneling')) {
      return SOCKET_REASONS[code];
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The {@link ProxyFailure} behind `error`, if one is in its cause chain. */
export function proxyFailureOf(error: unknown): ProxyFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    if (current instanceof ProxyFailureError) return current.failure;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
