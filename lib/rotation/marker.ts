/**
 * The `displayName` that marks an application password as minted by this product for one
 * connection (spec §5.1): `sc-rotator <connection-id> <minted-at ISO-8601>`. Only passwords with
 * this marker naming a connection are ever removed for that connection; apps are shared by several
 * connections and other consumers, and their passwords are never touched.
 */

const PREFIX = 'sc-rotator';
const MARKER = /^sc-rotator ([0-9a-fA-F-]{36}) (\d{4}-\d{2}-\d{2}T[0-9:.]+Z)$/;

/** A parsed marker. */
export interface Marker {
  connectionId: string;
  /** When the password was minted (ISO-8601 UTC). */
  mintedAt: string;
}

/** The marker for a password minted now for `connectionId`. Milliseconds keep it unique per mint. */
export function formatMarker(connectionId: string, mintedAtMs: number): string {
  return `${PREFIX} ${connectionId.toLowerCase()} ${new Date(mintedAtMs).toISOString()}`;
}

/** Parses a password's displayName; null when it is not one of ours. */
export function parseMarker(displayName: string | null | undefined): Marker | null {
  const match = displayName ? MARKER.exec(displayName.trim()) : null;
  if (!match || Number.isNaN(Date.parse(match[2]!))) return null;
  return { connectionId: match[1]!.toLowerCase(), mintedAt: match[2]! };
}
