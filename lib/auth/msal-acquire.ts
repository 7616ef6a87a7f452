/**
 * One client-credentials token request through msal-node, as one attempt for the retry loop.
 *
 * A fresh `ConfidentialClientApplication` per attempt, on purpose: after a 429 or 5xx msal refuses
 * to repeat the same request from the same client for `Retry-After` (60 s without the header;
 * msal-common `ThrottlingUtils`, task-ecosystem.md §8), which would defeat our own retry policy
 * and the propagation retries of a new secret. Caching is ours ({@link ./msal-token-provider}).
 */
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { httpErrorFor } from '../http/http-errors';
import type { AttemptResult } from '../http/retry-loop';
import { isMicrosoftAuthorityHost } from './clouds';
import { mapMsalError } from './msal-errors';
import { RecordingNetworkModule } from './msal-network';

/** `urn:ietf:params:oauth:client-assertion-type:jwt-bearer` is what msal sends for callbacks. */
export type AssertionSource = (signal?: AbortSignal) => Promise<string>;

/** How the application proves who it is. Values are secrets: never log them. */
export type ClientCredential =
  | { kind: 'secret'; clientSecret: string }
  | {
      kind: 'certificate';
      /** SHA-256 thumbprint (hex) and PKCS#8 key, see `parseCertificatePem`. */
      thumbprintSha256: string;
      privateKey: string;
      /** Certificate PEM to send as `x5c` (subject name + issuer authentication). */
      x5c?: string | undefined;
    }
  /** Workload identity federation: a JWT from the identity provider, fetched per request. */
  | { kind: 'assertion'; getAssertion: AssertionSource };

/** Parameters of {@link acquireTokenOnce}. */
export interface AcquireParams {
  tenantId: string;
  clientId: string;
  /** E.g. `https://login.microsoftonline.com`, see `resolveCloud`. */
  authorityHost: string;
  credential: ClientCredential;
  scope: string;
  timeoutMs: number;
  nowMs: () => number;
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
  /**
   * The authority's OpenID metadata (JSON text) from an earlier attempt: msal then skips fetching
   * it (`auth.authorityMetadata`), one request instead of two per attempt.
   */
  authorityMetadata?: string | undefined;
  /** Called with the metadata msal fetched in this attempt, to pass as `authorityMetadata` next time. */
  onMetadata?: ((json: string) => void) | undefined;
}

/** A token and how long it stays valid. */
export interface AcquiredToken {
  accessToken: string;
  /** Milliseconds of validity left when it arrived. */
  expiresInMs: number;
}

/**
 * Requests a token once. Failures that came from an exchange with the service (status, network,
 * unreadable answer) come back as data for the retry policy; anything else (configuration, an
 * assertion source that failed) is thrown.
 */
export async function acquireTokenOnce(params: AcquireParams): Promise<AttemptResult<AcquiredToken>> {
  const network = new RecordingNetworkModule(params.timeoutMs, params.nowMs, params.fetch);
  let assertionError: unknown;
  const app = new ConfidentialClientApplication(
    msalConfiguration(params, network, (error) => {
      assertionError = error;
    }),
  );
  const reportMetadata = () => {
    if (network.metadata !== undefined) params.onMetadata?.(network.metadata);
  };
  try {
    const result = await app.acquireTokenByClientCredential({ scopes: [params.scope], skipCache: true });
    reportMetadata();
    if (!result?.accessToken) throw new Error('msal returned no token');
    const expiresOn = result.expiresOn?.getTime() ?? Date.now() + 3_600_000;
    // msal computes expiresOn from Date.now(); keep only the remaining duration so the caller can
    // place it on its own (possibly fake) clock.
    return {
      ok: true,
      value: { accessToken: result.accessToken, expiresInMs: Math.max(0, expiresOn - Date.now()) },
    };
  } catch (error) {
    reportMetadata();
    if (assertionError !== undefined) throw assertionError;
    const last = network.last;
    const status = last && last.outcome.kind !== 'network' ? last.outcome.status : undefined;
    const mapped = mapMsalError(error, {
      tenantId: params.tenantId,
      appId: params.clientId,
      status,
      requestId: last?.requestId,
      retryAfterMs: last?.retryAfterMs,
    });
    if (!last || last.outcome.kind === 'ok') throw mapped;
    if (last.outcome.kind === 'network' && last.outcome.proxy) {
      // msal says only `network_error`; the proxy failure says which proxy and host, and what to check.
      const proxied = httpErrorFor({
        service: 'entra',
        operation: 'entra.token',
        outcome: last.outcome,
        nowMs: params.nowMs(),
        subject: `app ${params.clientId} in tenant ${params.tenantId}`,
      });
      return { ok: false, outcome: last.outcome, error: proxied };
    }
    return { ok: false, outcome: last.outcome, error: mapped };
  }
}

function msalConfiguration(
  params: AcquireParams,
  network: RecordingNetworkModule,
  onAssertionError: (error: unknown) => void,
): Configuration {
  const host = new URL(params.authorityHost);
  const credential = params.credential;
  let auth: Configuration['auth'];
  switch (credential.kind) {
    case 'secret':
      auth = { clientId: params.clientId, clientSecret: credential.clientSecret };
      break;
    case 'certificate':
      auth = {
        clientId: params.clientId,
        clientCertificate: {
          thumbprintSha256: credential.thumbprintSha256,
          privateKey: credential.privateKey,
          ...(credential.x5c === undefined ? {} : { x5c: credential.x5c }),
        },
      };
      break;
    case 'assertion':
      auth = {
        clientId: params.clientId,
        clientAssertion: async () => {
          try {
            return await credential.getAssertion(params.signal);
          } catch (error) {
            onAssertionError(error);
            throw error;
          }
        },
      };
      break;
  }
  return {
    auth: {
      ...auth,
      authority: `${host.origin}${host.pathname.replace(/\/+$/, '')}/${encodeURIComponent(params.tenantId)}`,
      // msal matches knownAuthorities against host:port (msal-common `Authority.isInKnownAuthorities`
      // compares `UrlString.getDomainFromUrl`, which keeps the port). Without it, a host that is not
      // a Microsoft cloud triggers public instance discovery.
      ...(isMicrosoftAuthorityHost(params.authorityHost) ? {} : { knownAuthorities: [host.host] }),
      ...(params.authorityMetadata === undefined ? {} : { authorityMetadata: params.authorityMetadata }),
    },
    system: { networkClient: network },
  };
}
