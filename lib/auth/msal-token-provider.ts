/**
 * The rotator identity's {@link TokenProvider}: client credentials through msal-node with a client
 * secret, a certificate or a federated assertion (workload identity federation), cached per scope
 * until shortly before expiry on the injected clock, retried by the one policy.
 */
import type { Clock } from '../clock';
import { type Limiter, unlimited } from '../http/limiter';
import { retryLoop } from '../http/retry-loop';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../http/retry-policy';
import { type Logger, silentLogger } from '../logger';
import { parseCertificatePem } from './certificate';
import {
  type AcquiredToken,
  type AssertionSource,
  acquireTokenOnce,
  type ClientCredential,
} from './msal-acquire';
import type { TokenProvider } from './token-provider';

/** The credential as the caller has it. */
export type CredentialInput =
  | { kind: 'secret'; clientSecret: string }
  /**
   * A PEM with certificate and private key (the service connection's `servicePrincipalCertificate`).
   * `sendX5c` adds the certificate to the assertion header (subject name + issuer authentication).
   */
  | { kind: 'certificate'; pem: string; sendX5c?: boolean }
  | { kind: 'assertion'; getAssertion: AssertionSource };

/** Options of {@link MsalTokenProvider}. */
export interface MsalTokenProviderOptions {
  tenantId: string;
  /** The application (client) id. */
  clientId: string;
  credential: CredentialInput;
  /** Entra authority host, e.g. from `resolveCloud(...).authorityHost`. */
  authorityHost: string;
  clock: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** @default unlimited (pass the `entra` limiter) */
  limiter?: Limiter;
  /** Overrides of {@link DEFAULT_RETRY_OPTIONS}. */
  retry?: Partial<RetryOptions>;
  /**
   * A cached token is renewed this long before it expires.
   * @default 300000 (5 minutes)
   */
  refreshMarginMs?: number;
  /**
   * Time allowed for one request to the authority.
   * @default 30000
   */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** See the file comment. */
export class MsalTokenProvider implements TokenProvider {
  private readonly options: MsalTokenProviderOptions;
  private readonly credential: ClientCredential;
  private readonly retry: Readonly<RetryOptions>;
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(options: MsalTokenProviderOptions) {
    this.options = options;
    this.credential = toClientCredential(options.credential);
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
  }

  getToken(scope: string, signal?: AbortSignal): Promise<string> {
    const cached = this.cache.get(scope);
    const margin = this.options.refreshMarginMs ?? 300_000;
    if (cached && this.options.clock.now() < cached.expiresAt - margin) return Promise.resolve(cached.token);
    // Concurrent callers share one request per scope.
    let pending = this.inFlight.get(scope);
    if (!pending) {
      pending = this.acquire(scope, signal).finally(() => this.inFlight.delete(scope));
      this.inFlight.set(scope, pending);
    }
    return pending;
  }

  /** Drops cached tokens (e.g. after the credential was rotated). */
  clear(): void {
    this.cache.clear();
  }

  private async acquire(scope: string, signal: AbortSignal | undefined): Promise<string> {
    const { options } = this;
    const limiter = options.limiter ?? unlimited;
    const token: AcquiredToken = await retryLoop(
      () =>
        limiter.run(() =>
          acquireTokenOnce({
            tenantId: options.tenantId,
            clientId: options.clientId,
            authorityHost: options.authorityHost,
            credential: this.credential,
            scope,
            timeoutMs: options.timeoutMs ?? 30_000,
            nowMs: () => options.clock.now(),
            fetch: options.fetch,
            signal,
          }),
        ),
      {
        retry: this.retry,
        clock: options.clock,
        // A client-credentials grant changes nothing on the server: repeating it is harmless.
        idempotent: true,
        operation: 'entra.token',
        logger: options.logger ?? silentLogger,
        signal,
      },
    );
    this.cache.set(scope, { token: token.accessToken, expiresAt: options.clock.now() + token.expiresInMs });
    return token.accessToken;
  }
}

function toClientCredential(input: CredentialInput): ClientCredential {
  switch (input.kind) {
    case 'secret':
      return input;
    case 'assertion':
      return input;
    case 'certificate': {
      const parsed = parseCertificatePem(input.pem);
      return {
        kind: 'certificate',
        thumbprintSha256: parsed.thumbprintSha256,
        privateKey: parsed.privateKey,
        ...(input.sendX5c ? { x5c: parsed.certificatePem } : {}),
      };
    }
  }
}
