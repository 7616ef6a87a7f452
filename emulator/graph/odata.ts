/** A parsed `$filter` the emulator understands, or why not. */
export type ApplicationFilter =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'in';
      readonly property: 'appId' | 'id' | 'displayName';
      readonly values: readonly string[];
    }
  | { readonly kind: 'startswith'; readonly property: 'displayName'; readonly prefix: string }
  | { readonly kind: 'unsupported'; readonly clause: string };

const PROPERTIES: Readonly<Record<string, 'appId' | 'id' | 'displayName'>> = {
  appid: 'appId',
  id: 'id',
  displayname: 'displayName',
};

const unquote = (literal: string) => literal.slice(1, -1).replace(/''/g, "'");

/**
 * Parses the filters a rotator needs on `/applications` (GRAPHDOCS `application-list.md`):
 * `appId eq '…'`, `appId in ('…','…')` (also on `id` and `displayName`) and
 * `startswith(displayName,'…')`.
 */
export function parseApplicationFilter(filter: string | null): ApplicationFilter {
  if (filter === null || filter.trim() === '') return { kind: 'none' };
  const text = filter.trim();
  const eq = /^(\w+)\s+eq\s+('(?:[^']|'')*')$/i.exec(text);
  if (eq?.[1] && eq[2] && PROPERTIES[eq[1].toLowerCase()]) {
    return { kind: 'in', property: PROPERTIES[eq[1].toLowerCase()]!, values: [unquote(eq[2])] };
  }
  const inList = /^(\w+)\s+in\s+\(\s*((?:'(?:[^']|'')*'\s*,\s*)*'(?:[^']|'')*')\s*\)$/i.exec(text);
  if (inList?.[1] && inList[2] && PROPERTIES[inList[1].toLowerCase()]) {
    const values = [...inList[2].matchAll(/'(?:[^']|'')*'/g)].map((m) => unquote(m[0]));
    return { kind: 'in', property: PROPERTIES[inList[1].toLowerCase()]!, values };
  }
  const starts = /^startswith\(\s*displayName\s*,\s*('(?:[^']|'')*')\s*\)$/i.exec(text);
  if (starts?.[1]) return { kind: 'startswith', property: 'displayName', prefix: unquote(starts[1]) };
  return { kind: 'unsupported', clause: text };
}

/** A parsed `$filter` on `/servicePrincipals`, or why not. */
export type ServicePrincipalFilter =
  | { readonly kind: 'none' }
  | { readonly kind: 'accountEnabled'; readonly value: boolean }
  | { readonly kind: 'unsupported'; readonly clause: string };

/**
 * Parses the one filter a rotator needs on `/servicePrincipals`: `accountEnabled eq true|false`
 * (GRAPHDOCS `serviceprincipal.md`: `accountEnabled` supports `$filter` `eq`).
 */
export function parseServicePrincipalFilter(filter: string | null): ServicePrincipalFilter {
  if (filter === null || filter.trim() === '') return { kind: 'none' };
  const text = filter.trim();
  const eq = /^accountEnabled\s+eq\s+(true|false)$/i.exec(text);
  if (eq?.[1]) return { kind: 'accountEnabled', value: eq[1].toLowerCase() === 'true' };
  return { kind: 'unsupported', clause: text };
}

/** `$select` as a list of property names; null when absent. */
export function parseSelect(select: string | null): string[] | null {
  if (select === null) return null;
  return select
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** An opaque `$skiptoken` for an offset into a result list. */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

/** The offset in a `$skiptoken`; null when it is not one of ours. */
export function decodeSkipToken(token: string): number | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = (value as { o?: unknown }).o;
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : null;
  } catch {
    return null;
  }
}
