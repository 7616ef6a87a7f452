/**
 * Which credential a connection uses (spec §4). Azure DevOps never returns the stored secret, so
 * it is known from our record, or inferred, or, with several candidates, the soonest-expiring one
 * counts (the safe side). Pure functions of (credentials, record, now).
 */
import type { KeyCredentialInfo, PasswordCredentialInfo } from '../graph/types';
import { parseMarker } from '../rotation/marker';
import type { RotationRecord } from '../rotation/record';
import { parseTime } from './expiry';
import type { Attribution, CredentialInUse } from './types';

/** Why no credential could be attributed although the app was read. */
export type AttributionProblem = 'no_password' | 'recorded_credential_missing' | 'no_certificate';

/** The credential that counts, or the reason there is none. */
export interface AttributionResult {
  credential: CredentialInUse | null;
  problem: AttributionProblem | null;
}

interface Dated {
  keyId: string;
  displayName: string | null;
  endMs: number;
  endDateTime: string;
}

/**
 * Attributes the client secret of connection `connectionId` among the app's `passwords`.
 *
 * - With a `record`: the recorded password (`recorded`), or `recorded_credential_missing` when it
 *   is no longer on the app (the stored secret no longer works).
 * - Without: the candidates are the app's passwords except those our marker assigns to another
 *   connection (we never show our secrets to anyone, so no other connection can hold them). One
 *   unexpired candidate: `inferred`; several: `unknown`, the soonest-expiring unexpired one counts;
 *   none unexpired: the latest-expiring expired one counts (the connection is expired either way);
 *   no candidate: `no_password`.
 *
 * Passwords without a readable `endDateTime` are ignored (Graph always returns one).
 */
export function attributeSecret(
  connectionId: string,
  passwords: readonly PasswordCredentialInfo[],
  record: RotationRecord | null,
  nowMs: number,
): AttributionResult {
  const dated = datedCredentials(passwords);
  if (record) {
    const recorded = dated.find((p) => p.keyId.toLowerCase() === record.keyId.toLowerCase());
    if (!recorded) return { credential: null, problem: 'recorded_credential_missing' };
    return { credential: toCredential('secret', recorded, 'recorded', 1), problem: null };
  }
  const id = connectionId.toLowerCase();
  const candidates = dated.filter((p) => {
    const marker = parseMarker(p.displayName);
    return marker === null || marker.connectionId === id;
  });
  return pickSoonest('secret', candidates, nowMs, 'no_password');
}

/**
 * Attributes the certificate of a certificate connection among the app's `keyCredentials`
 * (usage `Verify`, the public keys Entra checks sign-ins against), like a secret: with our
 * `record` (a certificate rotation installed it, spec §9) the recorded one, or
 * `recorded_credential_missing`; without, certificates our marker gives to another connection are
 * not candidates; one unexpired: `inferred`; several: `unknown`, the soonest-expiring counts; none
 * unexpired: the latest-expiring expired one; none at all: `no_certificate`.
 */
export function attributeCertificate(
  keys: readonly KeyCredentialInfo[],
  nowMs: number,
  connectionId: string | null = null,
  record: RotationRecord | null = null,
): AttributionResult {
  const verify = datedCredentials(keys.filter((k) => (k.usage ?? '').toLowerCase() === 'verify'));
  if (record) {
    const recorded = verify.find((k) => k.keyId.toLowerCase() === record.keyId.toLowerCase());
    if (!recorded) return { credential: null, problem: 'recorded_credential_missing' };
    return { credential: toCredential('certificate', recorded, 'recorded', 1), problem: null };
  }
  const id = connectionId?.toLowerCase() ?? null;
  const candidates = verify.filter((k) => {
    const marker = parseMarker(k.displayName);
    return marker === null || id === null || marker.connectionId === id;
  });
  return pickSoonest('certificate', candidates, nowMs, 'no_certificate');
}

function pickSoonest(
  kind: CredentialInUse['kind'],
  candidates: Dated[],
  nowMs: number,
  noneProblem: AttributionProblem,
): AttributionResult {
  if (candidates.length === 0) return { credential: null, problem: noneProblem };
  const unexpired = candidates.filter((c) => c.endMs >= nowMs).sort(byEnd);
  const soonest = unexpired[0];
  if (soonest) {
    const attribution: Attribution = unexpired.length === 1 ? 'inferred' : 'unknown';
    return { credential: toCredential(kind, soonest, attribution, unexpired.length), problem: null };
  }
  const latest = [...candidates].sort(byEnd).at(-1)!;
  const attribution: Attribution = candidates.length === 1 ? 'inferred' : 'unknown';
  return { credential: toCredential(kind, latest, attribution, candidates.length), problem: null };
}

function datedCredentials(credentials: readonly (PasswordCredentialInfo | KeyCredentialInfo)[]): Dated[] {
  const dated: Dated[] = [];
  for (const c of credentials) {
    const endMs = parseTime(c.endDateTime);
    if (endMs !== null) {
      dated.push({
        keyId: c.keyId,
        displayName: c.displayName,
        endMs,
        endDateTime: new Date(endMs).toISOString(),
      });
    }
  }
  return dated;
}

function byEnd(a: Dated, b: Dated): number {
  return a.endMs - b.endMs || a.keyId.localeCompare(b.keyId);
}

function toCredential(
  kind: CredentialInUse['kind'],
  c: Dated,
  attribution: Attribution,
  candidates: number,
): CredentialInUse {
  return {
    kind,
    keyId: c.keyId,
    displayName: c.displayName,
    endDateTime: c.endDateTime,
    attribution,
    candidates,
  };
}
