/**
 * The two bounded waits of a migration: for Azure DevOps to finish a scheme conversion
 * (`operationStatus` InProgress → Ready/Failed; azure-apis.md §1.9, "conversion takes minutes"),
 * and for Entra to accept a new federated credential (TestConnection answers AADSTS70021 while it
 * propagates; federation-and-certificates.md §1.4), bounded like the secret proof (spec §8).
 */
import type { Clock } from '../clock';
import type { EndpointDocument, TestConnectionResult } from '../devops/types';
import { RotatorError } from '../errors';

/** How long to wait and how often to look. */
export interface WaitOptions {
  intervalMs: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/** `operationStatus.state` of a connection, lower case ('' when absent). */
export function operationState(doc: EndpointDocument): string {
  return String((doc['operationStatus'] as { state?: unknown } | undefined)?.state ?? '').toLowerCase();
}

/**
 * Reads until the conversion is no longer InProgress. `Failed` → `migration.conversion_failed`
 * with the service's status message; still InProgress after `timeoutMs` →
 * `migration.conversion_pending` (the next run resumes it).
 */
export async function pollConversion(
  read: () => Promise<EndpointDocument>,
  clock: Clock,
  options: WaitOptions,
): Promise<EndpointDocument> {
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    const doc = await read();
    const state = operationState(doc);
    if (state === 'failed') {
      const status = (doc['operationStatus'] as { statusMessage?: unknown } | undefined)?.statusMessage;
      throw new RotatorError(
        'migration.conversion_failed',
        `Azure DevOps reports the conversion Failed (${String(status ?? 'no reason given')}).`,
        {
          fix: 'Open the connection in Azure DevOps to see the reason; the secret is still on the app, and the next run tries again.',
        },
      );
    }
    if (state !== 'inprogress') return doc;
    if (clock.now() + options.intervalMs > deadline) {
      throw new RotatorError(
        'migration.conversion_pending',
        'The conversion is still InProgress; the next run resumes it.',
        {
          fix: 'Run again later.',
        },
      );
    }
    await clock.sleep(options.intervalMs, options.signal);
  }
}

/**
 * Runs TestConnection until it passes, retrying only while Entra answers AADSTS70021, for at most
 * `timeoutMs`: then `migration.federation_not_trusted`. Any other failure at once:
 * `devops.test_connection_failed`.
 */
export async function testWhilePropagating(
  test: () => Promise<TestConnectionResult>,
  clock: Clock,
  options: WaitOptions,
): Promise<void> {
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    const result = await test();
    if (result.ok) return;
    const propagating = /AADSTS70021\b/.test(result.message);
    if (!propagating || clock.now() + options.intervalMs > deadline) {
      throw new RotatorError(
        propagating ? 'migration.federation_not_trusted' : 'devops.test_connection_failed',
        `TestConnection answered ${result.statusCode}${result.message ? `: ${result.message}` : ''}.`,
        {
          fix: propagating
            ? 'The federated credential has not propagated yet (it can take minutes); run again later.'
            : "Check that the app's service principal still holds a role on the connection's scope.",
        },
      );
    }
    await clock.sleep(options.intervalMs, options.signal);
  }
}
