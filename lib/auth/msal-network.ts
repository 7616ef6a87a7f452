/**
 * The network module handed to msal-node (`system.networkClient`): global `fetch` with a
 * per-request timeout, which also records what the last exchange looked like.
 *
 * Why our own: msal turns a network failure, an HTML error page or a metadata failure into
 * generic client errors that lose the HTTP status, `Retry-After` and the request id
 * (msal-node `HttpClient.sendRequest`, msal-common `sendPostRequest`). The retry policy needs them.
 * Every token acquisition uses a fresh client and a fresh module (msal also locks a client out of
 * the same request for `Retry-After` after a 429/5xx; task-ecosystem.md §8), so "the last
 * exchange" of a module is unambiguous.
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { requestIdFrom } from '../http/http-errors';
import { networkOutcome, RequestTimeoutError } from '../http/network-error';
import { retryAfterMs } from '../http/retry-after';
import type { AttemptOutcome } from '../http/retry-policy';

/** What the last request sent through a {@link RecordingNetworkModule} ended with. */
export interface LastExchange {
  url: string;
  /** Status and headers of a response, or the network failure. */
  outcome: AttemptOutcome | { kind: 'ok'; status: number };
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
}

/** An msal network module over `fetch` that remembers the last exchange. */
export class RecordingNetworkModule implements INetworkModule {
  last: LastExchange | undefined;
  /** The OpenID metadata document msal fetched through this module (JSON text), if it did. */
  metadata: string | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly nowMs: () => number,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'GET', options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'POST', options);
  }

  private async send<T>(
    url: string,
    method: 'GET' | 'POST',
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RequestTimeoutError(this.timeoutMs)), this.timeoutMs);
    // Record the URL without its query: msal adds only telemetry there, but stay on the safe side.
    const safeUrl = url.split('?')[0] ?? url;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: options?.headers ?? {},
        signal: controller.signal,
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
      });
      text = await response.text();
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      this.last = {
        url: safeUrl,
        outcome: networkOutcome(reason) ?? { kind: 'network', error: 'other' },
      };
      throw new Error('token endpoint unreachable', { cause: reason });
    } finally {
      clearTimeout(timer);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const requestId = requestIdFrom(response.headers);
    const retryAfter = retryAfterMs(response.headers, this.nowMs());
    let body: unknown;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body === undefined || typeof body !== 'object' || body === null) {
      this.last = { url: safeUrl, outcome: { kind: 'malformed', status: response.status }, requestId };
      // An OAuth-shaped error makes msal throw a ServerError carrying the status.
      return { status: response.status, headers, body: { error: 'malformed_response' } as T };
    }
    if (method === 'GET' && response.ok && safeUrl.endsWith('/.well-known/openid-configuration')) {
      this.metadata = text;
    }
    this.last = {
      url: safeUrl,
      outcome:
        response.status >= 200 && response.status < 300
          ? { kind: 'ok', status: response.status }
          : { kind: 'status', status: response.status, headers: response.headers, ...serviceCode(body) },
      requestId,
      retryAfterMs: retryAfter,
    };
    return { status: response.status, headers, body: body as T };
  }
}

/** The first AADSTS number of an OAuth error body (`error_codes`), for the retry policy. */
function serviceCode(body: object): { serviceCode?: string } {
  const codes = (body as { error_codes?: unknown }).error_codes;
  const first = Array.isArray(codes) ? codes[0] : undefined;
  return typeof first === 'number' ? { serviceCode: String(first) } : {};
}
