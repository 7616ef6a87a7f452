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
 *     [sc-rotator: keyId=6f1c…; installed=2026-11-23T03:00:00.000Z; previous=2026-05-27T03:00:00.000Z]
 *
 * `previous` says when the record this one replaced was installed (`none`: no password of ours was
 * ever installed, a takeover). It lets a later run tell an orphan of a crashed run (minted after
 * the previous install and never installed) from a secret this switch superseded, once the record
 * has moved past both. Records without it stay valid.
 */

/** What the connection's record says. */
export interface RotationRecord {
  /** keyId of the application password installed on the connection. */
  keyId: string;
  /** When the installing PUT was sent (ISO-8601 UTC); older product secrets were superseded then. */
  installedAt: string;
  /**
   * When the record this one replaced had been installed (ISO-8601 UTC), or `none` when no password
   * of ours had ever been installed on the connection. Our passwords minted after it (and before
   * `installedAt`), other than `keyId`, were never installed: orphans, not superseded secrets.
   * Absent when unknown (the connection carried no record).
   */
  previousInstalledAt?: string;
}

const TIME = '[0-9T:.\\-Z]+';
const TRAILER = new RegExp(
  `^\\[sc-rotator: keyId=([0-9a-fA-F-]{36}); installed=(${TIME})(?:; previous=(${TIME}|none))?\\]$`,
);

/** Reads the record from a description; null when there is none or it is malformed. */
export function parseRecord(description: string | null | undefined): RotationRecord | null {
  if (!description) return null;
  const lines = description.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const match = TRAILER.exec((lines[i] ?? '').trim());
    if (match && !Number.isNaN(Date.parse(match[2]!))) {
      const record: RotationRecord = { keyId: match[1]!.toLowerCase(), installedAt: match[2]! };
      const previous = match[3];
      if (previous === 'none' || (previous !== undefined && !Number.isNaN(Date.parse(previous)))) {
        record.previousInstalledAt = previous;
      }
      return record;
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
  const previous = record.previousInstalledAt === undefined ? '' : `; previous=${record.previousInstalledAt}`;
  const trailer = `[sc-rotator: keyId=${record.keyId}; installed=${record.installedAt}${previous}]`;
  const text = userDescription(description);
  return text ? `${text}\n${trailer}` : trailer;
}
