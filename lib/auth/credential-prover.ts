/**
 * Proves a freshly minted client secret (spec §5.1 step 2): a client-credentials token with the new
 * secret, against the connection's tenant.
 *
 * A new secret takes seconds to propagate; until then Entra answers AADSTS7000215 "invalid secret"
 * (observed 4–18 s; azure-apis.md §2.2). So 7000215 is retried for up to a budget (default 120 s),
 * polling about once a second so the proof is at most about a second late (see
 * {@link ./propagation-schedule}); throttling and transient failures follow the retry policy.
 * Waits between attempts hold no `entra` slot: only the attempt itself does. Answers that cannot improve by
 * waiting fail at once with their `auth.*` code: 7000222 expired, 700016 app not found, 7000112
 * app disabled. Running out of budget fails with `rotation.proof_failed`. Every attempt uses a
 * fresh msal client (see {@link ./msal-acquire}).
 */
import type { Clock } from '../clock';
import { hasCode, RotatorError } from '../errors';
import { type Limiter, unlimited } from '../http/limiter';
import { DEFAULT_RETRY_OPTIONS, decideRetry, type RetryOptions } from '../http/retry-policy';
import { type Logger, silentLogger } from '../logger';
import type { CertificateProof, CredentialProver } from '../rotation/ports';
import { acquireTokenOnce, type ClientCredential } from './msal-acquire';
import { PropagationSchedule } from './propagation-schedule';

/** Options of {@link MsalCredentialProver}. */
export interface CredentialProverOptions {
  /** Entra authority host of the connections' cloud. */
  authorityHost: string;
  /** Scope of the proving token, e.g. `graphScope(graphUrl)`. */
  scope: string;
  clock: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** @default unlimited (pass the `entra` limiter) */
  limiter?: Limiter;
  /**
   * How long to keep trying a secret that is not accepted yet.
   * @default 120000
   */
  budgetMs?: number;
  /**
   * When to prove a secret again while it propagates; share one between provers of a run so they
   * learn from each other. @default a new PropagationSchedule (polls every 1000 ms)
   */
  propagation?: PropagationSchedule;
  /** Overrides of the policy for throttling and transient failures. */
  retry?: Partial<RetryOptions>;
  /** @default 30000 */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** AADSTS answers that no amount of waiting fixes. */
const FINAL_CODES = ['auth.secret_expired', 'auth.app_not_found', 'auth.app_disabled'] as const;

/** Implements the rotation engine's {@link CredentialProver} with msal-node. */
export class MsalCredentialProver implements CredentialProver {
  private readonly options: CredentialProverOptions;
  private readonly retry: Readonly<RetryOptions>;
  private readonly propagation: PropagationSchedule;
  /**
   * OpenID metadata per tenant, from the first attempt: each later attempt (one a second while a
   * secret propagates) then sends one request, not two. A fresh msal client per attempt is still
   * needed (msal-acquire.ts), so msal cannot keep it itself.
   */
  private readonly metadata = new Map<string, string>();

  constructor(options: CredentialProverOptions) {
    this.options = options;
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.propagation = options.propagation ?? new PropagationSchedule({ random: this.retry.random });
  }

  proveSecret(tenantId: string, appId: string, secret: string, signal?: AbortSignal): Promise<void> {
    return this.prove(tenantId, appId, { kind: 'secret', clientSecret: secret }, signal);
  }

  /**
   * A new certificate: msal-node's `clientCertificate` with the SHA-256 thumbprint and the PKCS#8
   * key (federation-and-certificates.md §3.1). Until it has propagated Entra answers AADSTS700027
   * "key was not found", retried like 7000215 for a secret.
   */
  proveCertificate(
    tenantId: string,
    appId: string,
    certificate: CertificateProof,
    signal?: AbortSignal,
  ): Promise<void> {
    return this.prove(
      tenantId,
      appId,
      {
        kind: 'certificate',
        thumbprintSha256: certificate.thumbprintSha256,
        privateKey: certificate.privateKey,
      },
      signal,
    );
  }

  private async prove(
    tenantId: string,
    appId: string,
    credential: ClientCredential,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const noun = credential.kind === 'certificate' ? 'certificate' : 'secret';
    const notYet = credential.kind === 'certificate' ? 'auth.certificate_invalid' : 'auth.invalid_secret';
    const { clock } = this.options;
    const logger = this.options.logger ?? silentLogger;
    const limiter = this.options.limiter ?? unlimited;
    const budgetMs = this.options.budgetMs ?? 120_000;
    const started = clock.now();
    for (let attempt = 1; ; attempt += 1) {
      if (signal?.aborted)
        throw new RotatorError('rotation.aborted', `proving the new ${noun} was cancelled`);
      const result = await limiter.run(() =>
        acquireTokenOnce({
          tenantId,
          clientId: appId,
          authorityHost: this.options.authorityHost,
          credential,
          scope: this.options.scope,
          timeoutMs: this.options.timeoutMs ?? 30_000,
          nowMs: () => clock.now(),
          fetch: this.options.fetch,
          signal,
          authorityMetadata: this.metadata.get(tenantId.toLowerCase()),
          onMetadata: (json) => this.metadata.set(tenantId.toLowerCase(), json),
        }),
      );
      if (result.ok) {
        this.propagation.accepted(tenantId, clock.now() - started);
        logger.debug(`entra.token: new ${noun} of app ${appId} accepted after ${attempt} attempt(s)`);
        return;
      }
      const error = result.error;
      if (hasCode(error, ...FINAL_CODES)) throw error;
      const elapsed = clock.now() - started;
      if (elapsed >= budgetMs) throw proofFailed(noun, appId, tenantId, attempt, error);
      let delayMs: number;
      if (hasCode(error, notYet)) {
        // What was learned from other secrets never makes this one miss its budget.
        delayMs = Math.min(this.propagation.nextDelayMs(tenantId, elapsed), Math.max(0, budgetMs - elapsed));
      } else {
        const decision = decideRetry(
          { attempt, elapsedMs: elapsed, nowMs: clock.now(), outcome: result.outcome, idempotent: true },
          { ...this.retry, maxAttempts: Number.POSITIVE_INFINITY, maxElapsedMs: budgetMs },
        );
        if (!decision.retry) throw proofFailed(noun, appId, tenantId, attempt, error);
        delayMs = decision.delayMs;
      }
      if (elapsed + delayMs > budgetMs) throw proofFailed(noun, appId, tenantId, attempt, error);
      logger.debug(
        `entra.token: new ${noun} of app ${appId} not accepted yet (${error instanceof RotatorError ? error.code : error.name}), retrying in ${delayMs} ms`,
      );
      try {
        await clock.sleep(delayMs, signal);
      } catch (reason) {
        throw new RotatorError('rotation.aborted', `proving the new ${noun} was cancelled`, {
          cause: reason,
        });
      }
    }
  }
}

function proofFailed(
  noun: 'secret' | 'certificate',
  appId: string,
  tenantId: string,
  attempts: number,
  cause: Error,
): RotatorError {
  const code = cause instanceof RotatorError ? cause.code : 'internal';
  return new RotatorError(
    'rotation.proof_failed',
    `The new ${noun} of app ${appId} was not accepted by tenant ${tenantId} after ${attempts} attempt(s) (last: ${code})`,
    {
      cause,
      fix:
        code === 'auth.invalid_secret' || code === 'auth.certificate_invalid'
          ? `Entra ID did not accept the new ${noun} in time; run again later (propagation can be slow) or check tenant policies on app credentials.`
          : 'Check connectivity to the Entra authority and run again.',
    },
  );
}
