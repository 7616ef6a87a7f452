/**
 * Workload identity federation inside a pipeline: a fresh Azure DevOps OIDC token for a service
 * connection, used as the client assertion of a token request.
 *
 * `POST {System.OidcRequestUri}?api-version=7.1&serviceConnectionId={id}` with the job token as
 * bearer, JSON body `{}` and `X-TFS-FedAuthRedirect: Suppress` answers `{ "oidcToken": "<JWT>" }`
 * (azure-apis.md §4.2; Azure SDK `AzurePipelinesCredential` sends the same). The token is short
 * lived, so it is fetched for every token request, never cached.
 */
import type { Clock } from '../clock';
import { HttpError } from '../errors';
import { JsonHttpClient } from '../http/http-client';
import type { Limiter } from '../http/limiter';
import type { RetryOptions } from '../http/retry-policy';
import type { Logger } from '../logger';
import type { AssertionSource } from './msal-acquire';
import type { TokenProvider } from './token-provider';

/** Options of {@link oidcAssertionSource}. */
export interface OidcAssertionOptions {
  /** `System.OidcRequestUri`. */
  oidcRequestUri: string;
  /** The id of the service connection whose federated identity is wanted. */
  serviceConnectionId: string;
  /** The job token (`System.AccessToken`), usually a `staticTokenProvider`. */
  jobToken: TokenProvider;
  clock: Clock;
  logger?: Logger;
  /** @default unlimited (pass the `devops` limiter) */
  limiter?: Limiter;
  retry?: Partial<RetryOptions>;
  /** @default 30000 */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** An {@link AssertionSource} that asks Azure DevOps for a new OIDC token on every call. */
export function oidcAssertionSource(options: OidcAssertionOptions): AssertionSource {
  const client = new JsonHttpClient({
    service: 'devops',
    baseUrl: options.oidcRequestUri,
    tokenProvider: options.jobToken,
    // The job token is not scoped; the provider ignores the scope.
    scope: 'azure-devops-job-token',
    clock: options.clock,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.limiter === undefined ? {} : { limiter: options.limiter }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    serviceCodeOf: (body) => (body as { typeKey?: unknown } | undefined)?.typeKey,
  });
  const query = new URLSearchParams({
    'api-version': '7.1',
    serviceConnectionId: options.serviceConnectionId,
  });
  const url = new URL(options.oidcRequestUri);
  for (const [key, value] of query) url.searchParams.set(key, value);
  const subject = `service connection ${options.serviceConnectionId}`;
  return async (signal) => {
    const response = await client.request<{ oidcToken?: unknown }>({
      method: 'POST',
      path: url.href,
      body: {},
      operation: 'devops.oidctoken.create',
      // Minting an OIDC token changes nothing that a repeat could harm.
      idempotent: true,
      headers: { 'x-tfs-fedauthredirect': 'Suppress' },
      subject,
      fixFor: (code) =>
        code === 'devops.unauthorized' || code === 'devops.forbidden'
          ? 'Allow the pipeline to use the service connection, and make sure the job token (System.AccessToken) is passed.'
          : undefined,
      signal,
    });
    const token = response.body?.oidcToken;
    if (typeof token !== 'string' || token.length === 0) {
      throw new HttpError(
        'http.malformed_response',
        `devops.oidctoken.create answered without a token (${subject})`,
        {
          service: 'devops',
          operation: 'devops.oidctoken.create',
          status: response.status,
        },
      );
    }
    return token;
  };
}
