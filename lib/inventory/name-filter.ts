/**
 * The `connections` input: service connection names or wildcard patterns (spec §3).
 *
 * - Entries are separated by commas or line breaks; surrounding blanks are trimmed; empty entries
 *   are ignored.
 * - `*` matches any run of characters (also none), `?` exactly one; matching is case-insensitive
 *   and covers the whole name.
 * - A leading `!` excludes. With no inclusion at all (only exclusions, or nothing), every name is
 *   included except the excluded ones.
 * - A backslash makes the next `*`, `?`, `,`, `!` or `\` literal (`\*`, `\,`, a leading `\!`); any
 *   other backslash is literal itself, so `corp\deploy` means what it says.
 *
 * Matching is a linear-time wildcard walk, not a regular expression, so no pattern can make it
 * slow.
 */

/** Characters a backslash makes literal. */
const ESCAPABLE = new Set(['*', '?', ',', '!', '\\']);

type Token = { kind: 'literal'; value: string } | { kind: 'star' } | { kind: 'one' };

/** One entry of the filter, parsed. */
export interface NamePattern {
  /** The entry as written, trimmed (for messages and reports). */
  source: string;
  exclude: boolean;
  /** @internal */
  readonly tokens: readonly Token[];
}

/** A parsed `connections` input. */
export interface NameFilter {
  includes: readonly NamePattern[];
  excludes: readonly NamePattern[];
}

/** A malformed entry, with a message that names it and says what is allowed. */
export interface FilterError {
  entry: string;
  message: string;
}

/** Result of parsing a filter input: the filter, or every malformed entry. */
export type FilterParseResult<T> = { ok: true; filter: T } | { ok: false; errors: FilterError[] };

interface Char {
  value: string;
  escaped: boolean;
}

/** Parses the `connections` input. Never throws; malformed entries come back as `errors`. */
export function parseNameFilter(text: string): FilterParseResult<NameFilter> {
  const includes: NamePattern[] = [];
  const excludes: NamePattern[] = [];
  const errors: FilterError[] = [];
  for (const entry of splitEntries(text)) {
    const parsed = parseEntry(entry);
    if (parsed === null) continue;
    if ('message' in parsed) errors.push(parsed);
    else (parsed.exclude ? excludes : includes).push(parsed);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, filter: { includes, excludes } };
}

/** True when `name` is in scope of `filter`. */
export function matchesName(filter: NameFilter, name: string): boolean {
  return matchesAnyName(filter, [name]);
}

/**
 * For a connection known under several names (one per project it is shared into): included when
 * any name matches an inclusion (or there is none), and excluded when any name matches an
 * exclusion: `!old-prod` excludes the connection everywhere, whatever it is called elsewhere.
 */
export function matchesAnyName(filter: NameFilter, names: readonly string[]): boolean {
  // The default `*` (or no inclusion) with no exclusion keeps every name: nothing to fold or walk.
  // Discovery asks this of every connection listed, twice (bench/, issue #13).
  if (
    filter.excludes.length === 0 &&
    (filter.includes.length === 0 || filter.includes.some(matchesEverything))
  )
    return true;
  const folded = names.map(fold);
  const hit = (p: NamePattern) => folded.some((n) => matchTokens(p.tokens, n));
  if (filter.excludes.some(hit)) return false;
  return filter.includes.length === 0 || filter.includes.some(hit);
}

/** The pattern that matches exactly `name` (wildcards and separators escaped). */
export function escapeNamePattern(name: string): string {
  let out = '';
  for (const [i, c] of Array.from(name).entries()) {
    out += (c === '!' ? i === 0 : ESCAPABLE.has(c)) ? `\\${c}` : c;
  }
  return out;
}

/** Splits on unescaped commas and line breaks, keeping escapes for the entry parser. */
function splitEntries(text: string): Char[][] {
  const entries: Char[][] = [[]];
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i]!;
    const next = chars[i + 1];
    if (c === '\\' && next !== undefined && ESCAPABLE.has(next)) {
      entries.at(-1)!.push({ value: next, escaped: true });
      i += 1;
    } else if (c === ',' || c === '\n' || c === '\r') {
      entries.push([]);
    } else {
      entries.at(-1)!.push({ value: c, escaped: false });
    }
  }
  return entries;
}

function parseEntry(chars: Char[]): NamePattern | FilterError | null {
  let body = trim(chars);
  if (body.length === 0) return null;
  const source = body.map((c) => (c.escaped ? `\\${c.value}` : c.value)).join('');
  const exclude = !body[0]!.escaped && body[0]!.value === '!';
  if (exclude) {
    body = trim(body.slice(1));
    if (body.length === 0) {
      return {
        entry: source,
        message: `"${source}": a "!" must be followed by the name or pattern to exclude, e.g. "!legacy-*".`,
      };
    }
  }
  const control = body.find((c) => isControl(c.value));
  if (control) {
    const code = control.value.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return {
      entry: source,
      message: `"${printable(source)}": contains the control character U+${code}, which cannot be in a service connection name.`,
    };
  }
  const tokens: Token[] = [];
  for (const c of body) {
    if (!c.escaped && c.value === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (!c.escaped && c.value === '?') {
      tokens.push({ kind: 'one' });
    } else {
      tokens.push({ kind: 'literal', value: c.value.toLowerCase() });
    }
  }
  return { source, exclude, tokens };
}

function trim(chars: Char[]): Char[] {
  const blank = (c: Char | undefined) => c !== undefined && !c.escaped && /\s/u.test(c.value);
  let start = 0;
  let end = chars.length;
  while (start < end && blank(chars[start])) start += 1;
  while (end > start && blank(chars[end - 1])) end -= 1;
  return chars.slice(start, end);
}

/** A lone `*`: every name, also the empty one. */
function matchesEverything(pattern: NamePattern): boolean {
  return pattern.tokens.length === 1 && pattern.tokens[0]!.kind === 'star';
}

/** Case folding per code point, so a pattern and a name fold the same way. */
function fold(name: string): string[] {
  return Array.from(name, (c) => c.toLowerCase());
}

/**
 * Whole-name wildcard match: the classic two-pointer walk that remembers the last `*` and
 * retries from there, O(pattern × name) at worst.
 */
function matchTokens(tokens: readonly Token[], name: readonly string[]): boolean {
  let t = 0;
  let n = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token?.kind === 'one' || (token?.kind === 'literal' && token.value === name[n])) {
      t += 1;
      n += 1;
    } else if (token?.kind === 'star') {
      starAt = t;
      resumeAt = n;
      t += 1;
    } else if (starAt >= 0) {
      t = starAt + 1;
      resumeAt += 1;
      n = resumeAt;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t += 1;
  return t === tokens.length;
}

function isControl(c: string): boolean {
  const code = c.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

function printable(text: string): string {
  return Array.from(text, (c) => (isControl(c) ? '\uFFFD' : c)).join('');
}
