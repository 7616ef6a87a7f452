/**
 * One change to an application's `keyCredentials` by read–merge–write, with the checks after it
 * (spec §9; the pure rules are key-credential-merge.ts). The caller runs it as ONE credential write
 * turn of the application (credential-write-serializer.ts), so no other write of this run lands
 * between the read and the PATCH.
 *
 * 1. Read the list with `key` (single-object `GET …?$select=keyCredentials`; its own throttle,
 *    paced by the caller). An entry without `key` cannot be sent back: nothing is written
 *    (`graph.key_credentials_unreadable`).
 * 2. Already done (the certificate to add is there, the one to remove is gone): nothing is written.
 * 3. PATCH every entry read, exactly, plus or minus the one change.
 * 4. Read again and check: every certificate that was there is still there with the same `key`,
 *    and the change shows. If anything else vanished (a concurrent writer, or Graph itself), PATCH
 *    once more to put back exactly what vanished (keeping what others added since, leaving out the
 *    certificate this write added), read again, and fail loudly with
 *    `graph.key_credentials_lost`, saying whether the restore worked. Never retried blindly: a
 *    PATCH that got no answer is judged by the next read, never sent again on its own.
 */
import { RotatorError } from '../errors';
import {
  checkWrite,
  type KeyCredentialChange,
  type KeyCredentialEntry,
  mergedList,
  restoreList,
  unkeepable,
} from './key-credential-merge';

/** The two requests the procedure needs, bound to one application. */
export interface KeyCredentialIo {
  /** `GET /applications/{id}?$select=keyCredentials`, paced. */
  read(): Promise<KeyCredentialEntry[]>;
  /** `PATCH /applications/{id}` with `{keyCredentials}`; resolves on 204. */
  patch(keyCredentials: Record<string, unknown>[]): Promise<void>;
}

/** What was done. */
export interface KeyCredentialUpdate {
  /** Whether a PATCH was sent (false when the change was already in place). */
  written: boolean;
  /** Entries on the app after the change, as read back. */
  after: KeyCredentialEntry[];
}

/** Applies `change` to the app behind `io`; `subject` names the app in errors. */
export async function updateKeyCredentials(
  io: KeyCredentialIo,
  change: KeyCredentialChange,
  subject: string,
): Promise<KeyCredentialUpdate> {
  const before = await io.read();
  if (inPlace(before, change)) return { written: false, after: before };
  const missingKeys = unkeepable(before);
  if (missingKeys.length > 0) {
    throw new RotatorError(
      'graph.key_credentials_unreadable',
      `Graph returned certificate(s) ${missingKeys.join(', ')} of ${subject} without their public key, so the certificate list cannot be written without removing them; nothing was changed.`,
      { fix: 'Run again later; if it persists, check the certificates of the app registration in Entra ID.' },
    );
  }
  let patchError: unknown = null;
  try {
    await io.patch(mergedList(before, change));
  } catch (error) {
    // Ambiguous or refused: the next read says what the app holds now.
    patchError = error;
  }
  let after: KeyCredentialEntry[];
  try {
    after = await io.read();
  } catch (readError) {
    throw patchError ?? readError;
  }
  const check = checkWrite(before, after, change);
  if (check.vanished.length > 0) return restore(io, before, after, change, check.vanished, subject);
  if (check.changeMissing) {
    if (patchError) throw patchError;
    throw new RotatorError(
      'graph.failed',
      `The certificate list of ${subject} was written but the change does not show when read back (a concurrent write?); nothing else changed.`,
      { fix: 'Run again; avoid other tools writing the certificates of this app at the same time.' },
    );
  }
  return { written: true, after };
}

function inPlace(list: readonly KeyCredentialEntry[], change: KeyCredentialChange): boolean {
  const ids = new Set(list.map((e) => e.keyId));
  return change.kind === 'add'
    ? ids.has(change.entry.keyId.toLowerCase())
    : !ids.has(change.keyId.toLowerCase());
}

async function restore(
  io: KeyCredentialIo,
  before: readonly KeyCredentialEntry[],
  after: readonly KeyCredentialEntry[],
  change: KeyCredentialChange,
  vanished: readonly string[],
  subject: string,
): Promise<never> {
  const lost = vanished.join(', ');
  let outcome: string;
  try {
    if (unkeepable(after).length > 0) throw new Error('the list read back lacks public keys');
    await io.patch(restoreList(before, after, change));
    const now = await io.read();
    const still = new Set(now.map((e) => e.keyId));
    const missing = vanished.filter((k) => !still.has(k));
    outcome =
      missing.length === 0
        ? 'they were put back as they were'
        : `putting them back failed for ${missing.join(', ')}`;
  } catch (error) {
    outcome = `putting them back failed (${error instanceof RotatorError ? error.code : 'no answer'})`;
  }
  throw new RotatorError(
    'graph.key_credentials_lost',
    `Writing the certificate list of ${subject} removed certificate(s) ${lost} that had to be kept; ${outcome}. The connection was not changed.`,
    {
      fix: `Check the certificates of the app registration in Entra ID${outcome.startsWith('they were') ? '' : ` and re-upload ${lost}`}; make sure no other tool writes them at the same time, then run again.`,
    },
  );
}
