/**
 * The read–merge–write of an application's `keyCredentials`, as pure decisions (spec §9;
 * federation-and-certificates.md §3.2).
 *
 * `PATCH /applications/{id}` with `keyCredentials` REPLACES the whole collection: a certificate
 * left out is removed (GRAPHDOCS `applications-how-to-add-certificate.md`; Az PowerShell deleted
 * other certificates that way, Azure/azure-powershell#17088). So a write sends back every
 * certificate read before, exactly as read and with its `key` (the only way the docs show to keep
 * one; whether `keyId` alone keeps it is unverified), plus or minus the one change. After the
 * PATCH the list is read again and {@link checkWrite} says whether every certificate that was
 * there is still there, unchanged, and the change took effect. If anything else vanished,
 * {@link restoreList} gives the list that puts it back without removing what others added since.
 */

/** One `keyCredential` as a single-object `$select=keyCredentials` GET returns it. */
export interface KeyCredentialEntry {
  /** Lower case. */
  keyId: string;
  /** The base64 DER certificate; null when Graph did not return it (then it cannot be kept). */
  key: string | null;
  /** The entry exactly as read, sent back as it is. */
  raw: Readonly<Record<string, unknown>>;
}

/** What one write changes. */
export type KeyCredentialChange =
  | { kind: 'add'; entry: KeyCredentialEntry }
  | { kind: 'remove'; keyId: string };

/** Properties of a keyCredential a PATCH may carry (GRAPHDOCS `resources/keycredential.md`). */
const WRITABLE = [
  'customKeyIdentifier',
  'displayName',
  'endDateTime',
  'key',
  'keyId',
  'startDateTime',
  'type',
  'usage',
] as const;

/** Reads entries from a GET body's `keyCredentials`; entries without a keyId are dropped. */
export function parseKeyCredentialEntries(body: unknown): KeyCredentialEntry[] {
  const list = (body as { keyCredentials?: unknown } | null | undefined)?.keyCredentials;
  if (!Array.isArray(list)) return [];
  const entries: KeyCredentialEntry[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const raw = item as Record<string, unknown>;
    const keyId = raw['keyId'];
    if (typeof keyId !== 'string' || keyId === '') continue;
    const key = raw['key'];
    entries.push({ keyId: keyId.toLowerCase(), key: typeof key === 'string' && key ? key : null, raw });
  }
  return entries;
}

/**
 * The entries that cannot be sent back because Graph returned no `key` for them: a write would
 * remove them (or be refused), so nothing may be written while there are any.
 */
export function unkeepable(before: readonly KeyCredentialEntry[]): string[] {
  return before.filter((e) => e.key === null).map((e) => e.keyId);
}

/** The `keyCredentials` a PATCH sends: every entry read, exactly, with `change` applied. */
export function mergedList(
  before: readonly KeyCredentialEntry[],
  change: KeyCredentialChange,
): Record<string, unknown>[] {
  const kept = before.filter((e) => change.kind !== 'remove' || e.keyId !== change.keyId.toLowerCase());
  const entries =
    change.kind === 'add' && !before.some((e) => e.keyId === change.entry.keyId.toLowerCase())
      ? [...kept, change.entry]
      : kept;
  return entries.map((e) => writable(e.raw));
}

/** What a read after the PATCH shows. */
export interface WriteCheck {
  /** The change took effect and nothing else changed. */
  ok: boolean;
  /** keyIds read before (other than the one removed) that are gone or whose `key` changed. */
  vanished: string[];
  /** The change did not take effect: the added one is absent, or the removed one still there. */
  changeMissing: boolean;
}

/**
 * Compares the list after a write with the list before: every entry before (except one removed on
 * purpose) must still be there with the same `key`, and the change must show. Entries added by
 * someone else in between are fine (they are theirs).
 */
export function checkWrite(
  before: readonly KeyCredentialEntry[],
  after: readonly KeyCredentialEntry[],
  change: KeyCredentialChange,
): WriteCheck {
  const byId = new Map(after.map((e) => [e.keyId, e]));
  const removed = change.kind === 'remove' ? change.keyId.toLowerCase() : null;
  const vanished = before
    .filter((e) => e.keyId !== removed)
    .filter((e) => {
      const now = byId.get(e.keyId);
      // A later read without `key` cannot tell a changed certificate; presence is what it shows.
      return !now || (e.key !== null && now.key !== null && now.key !== e.key);
    })
    .map((e) => e.keyId);
  const changeMissing =
    change.kind === 'add' ? !byId.has(change.entry.keyId.toLowerCase()) : byId.has(removed ?? '');
  return { ok: vanished.length === 0 && !changeMissing, vanished, changeMissing };
}

/**
 * After a write that made `vanished` certificates disappear: the list to PATCH to put them back.
 * It starts from the list as it is now, so a certificate someone else added since stays; it puts
 * back each vanished entry as read before; and it leaves out the certificate this write added
 * (the connection fails; nothing should use it).
 */
export function restoreList(
  before: readonly KeyCredentialEntry[],
  now: readonly KeyCredentialEntry[],
  change: KeyCredentialChange,
): Record<string, unknown>[] {
  const ours = change.kind === 'add' ? change.entry.keyId.toLowerCase() : null;
  const vanished = new Set(checkWrite(before, now, change).vanished);
  const current = now.filter((e) => e.keyId !== ours && !vanished.has(e.keyId));
  const back = before.filter((e) => vanished.has(e.keyId));
  return [...current, ...back].map((e) => writable(e.raw));
}

function writable(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of WRITABLE) if (raw[name] !== undefined) out[name] = raw[name];
  return out;
}
