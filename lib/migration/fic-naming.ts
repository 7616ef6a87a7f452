/**
 * How this product names and describes the federated credentials it creates (spec §8: "name
 * derived from the connection id"). Graph names are ≤ 120 URL-friendly characters and immutable;
 * the description (≤ 600) records which legacy credential an issuer move replaces, so a later run
 * knows what it may delete without keeping any state of its own.
 */

const PREFIX = 'sc-rotator';
const DESCRIPTION = /^sc-rotator ([0-9a-fA-F-]{36}) replaces (\S{1,120})$/;

/** The name of the Entra federated credential of a connection: `sc-rotator-{connectionId}`. */
export function ficNameFor(connectionId: string): string {
  return `${PREFIX}-${connectionId.toLowerCase()}`;
}

/** The description of the Entra credential of an issuer move: `sc-rotator {id} replaces {legacy name}`. */
export function formatFicDescription(connectionId: string, legacyFicName: string | null): string {
  return legacyFicName
    ? `${PREFIX} ${connectionId.toLowerCase()} replaces ${legacyFicName}`
    : `${PREFIX} ${connectionId.toLowerCase()}`;
}

/** The legacy credential a description of ours names for `connectionId`, else null. */
export function replacedFic(description: string | null | undefined, connectionId: string): string | null {
  const match = description ? DESCRIPTION.exec(description.trim()) : null;
  return match && match[1]!.toLowerCase() === connectionId.toLowerCase() ? match[2]! : null;
}
