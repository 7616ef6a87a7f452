/**
 * Attribution that is verified, not assumed (issue #14 §4). "inferred" means "the app has exactly
 * one unexpired password"; a connection that stores an EXPIRED secret on an app that also holds
 * a valid one (another consumer's) would be reported `ok` while its pipelines already fail. That
 * is the only way inference goes wrong like this, so only there discovery asks Azure DevOps:
 * TestConnection of the stored details (azure-apis.md §1.8), whose failure carries Entra's
 * AADSTS code. Pure functions of (report, app, answer, now); discovery performs the requests.
 */
import type { TestConnectionResult } from '../devops/types';
import type { ApplicationInfo, PasswordCredentialInfo } from '../graph/types';
import { parseMarker } from '../rotation/marker';
import { daysLeft, parseTime } from './expiry';
import { problem } from './problems';
import type { Attribution, ConnectionReport } from './types';

/** What asking Azure DevOps gave: the test's answer, or why the request itself failed. */
export type AttributionTest =
  /** TestConnection ran (HTTP 200) and answered, passing or not. */
  | { kind: 'answered'; result: TestConnectionResult }
  /** The request was refused with 403: the identity lacks the User role on the connection. */
  | { kind: 'forbidden'; message: string }
  /** The request failed otherwise (not found, network, 5xx after retries). */
  | { kind: 'failed'; message: string };

/**
 * Entra's answers that mean "this is not a working secret of the app" (azure-apis.md §2):
 * 7000222 expired, 7000215 invalid (removed, or never the app's). The codes are stable; the
 * service only carries them inside `errorMessage`.
 */
const REJECTIONS = [
  { pattern: /\bAADSTS7000222\b/, reason: 'expired', words: 'as expired (AADSTS7000222)' },
  {
    pattern: /\bAADSTS7000215\b/,
    reason: 'invalid',
    words: 'as invalid (AADSTS7000215: removed from the app, or never one of its secrets)',
  },
] as const;

interface DatedPassword {
  keyId: string;
  displayName: string | null;
  endMs: number;
}

/**
 * True when the connection's attribution is an inference that TestConnection can contradict: a
 * client-secret connection without our record, not expired by inference, without a problem,
 * whose app also holds an expired password the connection could be using (passwords our marker
 * gives to another connection are never candidates).
 */
export function needsAttributionCheck(
  report: ConnectionReport,
  app: ApplicationInfo | undefined,
  nowMs: number,
): boolean {
  if (report.record !== null || report.problem !== null || !app) return false;
  if (report.credential?.kind !== 'secret' || report.credential.attribution === 'recorded') return false;
  if (report.status === 'expired' || report.status === 'unknown' || report.projects.length === 0)
    return false;
  return candidates(report.id, app.passwordCredentials).some((p) => p.endMs < nowMs);
}

/**
 * The report after TestConnection answered `test` (see {@link AttributionTest}):
 *
 * - passes: unchanged but `attributionCheck` `verified`;
 * - fails with AADSTS7000222 / 7000215: `expired` with the problem `stored_secret_rejected`,
 *   whose message names the valid secret(s) the app still holds and says the connection does not
 *   use them; with 7000222 the latest-expiring expired candidate is the credential that counts,
 *   with 7000215 none does. The planner then rotates it (it is due);
 * - anything else (another failure, 403, a failed request): today's inference unchanged, with
 *   `attributionCheck` `unverified` saying why.
 */
export function applyAttributionCheck(
  report: ConnectionReport,
  app: ApplicationInfo,
  test: AttributionTest,
  nowMs: number,
): ConnectionReport {
  if (test.kind === 'forbidden') {
    return unverified(
      report,
      `Attribution unverified: the rotator's identity may not run TestConnection on the connection (it needs the User role on it): ${test.message}`,
    );
  }
  if (test.kind === 'failed') {
    return unverified(report, `Attribution unverified: TestConnection could not be run: ${test.message}`);
  }
  const { result } = test;
  const answer = `TestConnection answered ${result.statusCode}${result.message ? `: ${result.message}` : ''}`;
  if (result.ok) {
    return {
      ...report,
      attributionCheck: {
        outcome: 'verified',
        detail: 'Attribution verified: TestConnection of the stored details passes.',
      },
    };
  }
  const rejection = REJECTIONS.find((r) => r.pattern.test(result.message));
  if (!rejection) {
    return unverified(
      report,
      `Attribution unverified: TestConnection failed for another reason than the secret. ${answer}`,
    );
  }

  const all = candidates(report.id, app.passwordCredentials);
  const valid = all.filter((p) => p.endMs >= nowMs).sort(byEnd);
  const expired = all.filter((p) => p.endMs < nowMs).sort(byEnd);
  const held =
    valid.length === 1
      ? `the valid secret ${describe(valid[0]!)}, but the connection does not use it`
      : `the valid secrets ${valid.map(describe).join(', ')}, but the connection uses none of them`;
  const detail = `Entra ID refuses its stored secret ${rejection.words}. Application ${report.appId} still holds ${held}.`;
  const latest = rejection.reason === 'expired' ? expired.at(-1) : undefined;
  const attribution: Attribution = expired.length === 1 ? 'inferred' : 'unknown';
  const endDateTime = latest ? new Date(latest.endMs).toISOString() : null;
  return {
    ...report,
    credential: latest
      ? {
          kind: 'secret',
          keyId: latest.keyId,
          displayName: latest.displayName,
          endDateTime: endDateTime!,
          attribution,
          candidates: expired.length,
        }
      : null,
    status: 'expired',
    daysLeft: latest ? daysLeft(latest.endMs, nowMs) : null,
    expiresAt: endDateTime,
    problem: problem('stored_secret_rejected', { connectionName: report.name, detail }),
    attributionCheck: { outcome: 'rejected', detail: answer },
  };
}

function unverified(report: ConnectionReport, detail: string): ConnectionReport {
  return { ...report, attributionCheck: { outcome: 'unverified', detail } };
}

/** The app's passwords the connection could be using: all but those marked for another connection. */
function candidates(connectionId: string, passwords: readonly PasswordCredentialInfo[]): DatedPassword[] {
  const id = connectionId.toLowerCase();
  const dated: DatedPassword[] = [];
  for (const p of passwords) {
    const marker = parseMarker(p.displayName);
    const endMs = parseTime(p.endDateTime);
    if (endMs !== null && (marker === null || marker.connectionId === id)) {
      dated.push({ keyId: p.keyId, displayName: p.displayName, endMs });
    }
  }
  return dated;
}

function byEnd(a: DatedPassword, b: DatedPassword): number {
  return a.endMs - b.endMs || a.keyId.localeCompare(b.keyId);
}

function describe(p: DatedPassword): string {
  const name = p.displayName ? ` ("${p.displayName}")` : '';
  return `keyId ${p.keyId}${name}, valid until ${new Date(p.endMs).toISOString().slice(0, 10)}`;
}
