/**
 * Minting a password without ever duplicating it (spec §5.4: "`addPassword` is not idempotent:
 * never retry it blindly").
 *
 * - A *definite refusal* (429, Graph `Directory_ConcurrencyViolation`, or a connection that never
 *   reached Graph) means nothing was created: the retry policy repeats the request, paced.
 * - A *definite failure* (400, 403, 404, refusals until the budget ran out) is reported as is.
 * - An *ambiguous failure* (timeout, reset, 5xx, an unreadable 2xx) may have created the password.
 *   Graph never returns `secretText` again, so a password created that way is useless to us and we
 *   cannot use it. We reconcile: wait briefly (reads can lag writes), list the app's passwords, and
 *   remove every one carrying our exact `displayName` (it names the connection and the minting
 *   instant, so it is ours and nobody else can be using it). Now the state is known, so minting
 *   again is no longer blind: we do, up to `maxMintAttempts` in all. If every attempt was
 *   ambiguous the error is `graph.ambiguous_write`.
 *
 * Chosen over "remove and fail" because it converges within the run at the cost of one extra read
 * and write, and never leaves two live credentials for one mint. One residual risk: a write that
 * becomes visible only after our read. It still carries our marker and no connection record names
 * it, so the next run removes it as an orphan of a crashed run (spec §5.2).
 */
import type { Clock } from '../clock';
import { HttpError } from '../errors';
import { attachOutcome, failureOutcome } from '../http/http-client';
import { isDefiniteRefusal } from '../http/retry-policy';
import type { Logger } from '../logger';
import type { NewPassword, PasswordCredentialInfo } from './types';

/** The Graph operations reconciliation needs, bound to one application. */
export interface PasswordOperations {
  /** One `addPassword` under the retry policy (which repeats only definite refusals). */
  post(request: { displayName: string; endDateTime: string }): Promise<NewPassword>;
  list(): Promise<PasswordCredentialInfo[]>;
  remove(keyId: string): Promise<void>;
}

/** Options of {@link mintPassword}. */
export interface MintOptions {
  clock: Clock;
  logger: Logger;
  /**
   * Wait before reading back after an ambiguous failure.
   * @default 2000
   */
  reconcileDelayMs: number;
  /**
   * `addPassword` requests in all, counting those after reconciliation.
   * @default 4
   */
  maxMintAttempts: number;
  /** Names the application in messages. */
  subject: string;
}

/** True when `error` leaves open whether Graph performed the write. */
export function isAmbiguousFailure(error: unknown): boolean {
  const outcome = failureOutcome(error);
  if (!outcome) return false;
  if (isDefiniteRefusal(outcome)) return false;
  if (outcome.kind !== 'status') return true;
  return outcome.status >= 500 || outcome.status === 408;
}

/** Mints a password as described in the file comment. */
export async function mintPassword(
  operations: PasswordOperations,
  request: { displayName: string; endDateTime: string },
  options: MintOptions,
): Promise<NewPassword> {
  const removed = new Set<string>();
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.maxMintAttempts; attempt += 1) {
    try {
      return await operations.post(request);
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      lastError = error;
    }
    options.logger.warn(
      `graph.applications.addPassword: outcome unknown for ${options.subject}; reading the passwords back`,
    );
    await options.clock.sleep(options.reconcileDelayMs);
    const strays = (await operations.list()).filter(
      (password) => password.displayName === request.displayName && !removed.has(password.keyId),
    );
    for (const stray of strays) {
      // Its secret text was lost with the answer: nobody can use it, so it goes.
      await operations.remove(stray.keyId);
      removed.add(stray.keyId);
      options.logger.warn(
        `graph.applications.addPassword: removed password ${stray.keyId} of ${options.subject} created by a request whose answer was lost`,
      );
    }
  }
  const status = lastError instanceof HttpError ? lastError.status : 0;
  throw new HttpError(
    'graph.ambiguous_write',
    `graph.applications.addPassword failed: no answer after ${options.maxMintAttempts} attempt(s) (${options.subject}); ` +
      `${removed.size} password(s) created without an answer were removed`,
    { service: 'graph', operation: 'graph.applications.addPassword', status },
    {
      cause: lastError,
      fix: 'Microsoft Graph did not answer reliably; run again later. Nothing was changed on the service connection.',
    },
  );
}

/** An `addPassword` answer without key id or secret text: treated like a lost answer. */
export function unreadableAnswer(status: number, subject: string): HttpError {
  return attachOutcome(
    new HttpError(
      'http.malformed_response',
      `graph.applications.addPassword answered without a key id or secret (${subject})`,
      { service: 'graph', operation: 'graph.applications.addPassword', status },
    ),
    { kind: 'malformed', status },
  );
}
