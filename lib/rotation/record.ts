/**
 * The record of which credential a connection uses, kept in the connection's `description`.
 *
 * Azure DevOps never returns a stored secret, so the keyId of the secret we installed must be
 * written down in the same PUT that installs it (the commit point, spec §5.1). The service
 * rejects unknown `data` and `authorization.parameters` keys ("Following fields in the service
 * connection are not expected", azure-apis.md §1.6), and `description` is the only free-text
 * field that round-trips, so the record is a one-line trailer appended to the user's text:
 *
 *     Deploys the production subscription.
 *     [sc-rotator: keyId=6f1c…; installed=2026-11-23T03:00:00.000Z]
 */

/** What the connection's record says. */
export interface RotationRecord {
  /** keyId of the application password installed on the connection. */
  keyId: string;
  /** When the installing PUT was built (ISO-8601 UTC); older product secrets were superseded then. */
  installedAt: string;
}

const TRAILER = /^\[sc-rotator: keyId=([0-9a-fA-F-]{36}); installed=([0-9T:.\-Z]+)\]$/;

/** Reads the record from a description; null when there is none or it is malformed. */
export function parseRecord(description: string | null | undefined): RotationRecord | null {
  if (!description) return null;
  const lines = description.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const match = TRAILER.exec((lines[i] ?? '').trim());
    if (match && !Number.isNaN(Date.parse(match[2]!))) {
      return { keyId: match[1]!.toLowerCase(), installedAt: match[2]! };
    }
  }
  return null;
}

/** The user's part of a description, without any record trailer. */
export function userDescription(description: string | null | undefined): string {
  if (!description) return '';
  return description
    .split(/\r?\n/)
    .filter((line) => !TRAILER.test(line.trim()))
    .join('\n')
    .replace(/\s+$/, '');
}

/** The description with `record` as its trailer, replacing any previous one; user text kept. */
export function withRecord(description: string | null | undefined, record: RotationRecord): string {
  const trailer = `[sc-rotator: keyId=${record.keyId}; installed=${record.installedAt}]`;
  const text = userDescription(description);
  return text ? `${text}\n${trailer}` : trailer;
}
