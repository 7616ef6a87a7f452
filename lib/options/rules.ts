/**
 * The shapes an option value may take, each checked once here: whole numbers in a range (given as
 * numbers, or as the text the task's inputs and the CLI's flags carry), one of a few words, an
 * https base URL. Each returns the value or an {@link InputProblem}; none throws.
 */
import type { InputProblem } from './invalid-input';

/** A checked value, or why it is not one. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: InputProblem };

/** Text or number as given; `undefined` (or blank text) means "the default". */
export type NumberInput = number | string | undefined;

function given(value: NumberInput | string): boolean {
  return value !== undefined && String(value).trim() !== '';
}

/**
 * A whole number from `min` to `max` (`null`: no upper bound). `"30"`, `" 30 "` and `30` are the
 * same; `"30.5"`, `"1e3"` and `"-1"` are not whole numbers in range.
 */
export function wholeNumber(
  option: string,
  value: NumberInput,
  fallback: number,
  min: number,
  max: number | null,
  note = '',
): Checked<number> {
  const text = given(value) ? String(value).trim() : String(fallback);
  const range = max === null ? `${min} or more` : `from ${min} to ${max}`;
  const n = /^\+?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || (max !== null && n > max)) {
    return {
      ok: false,
      problem: { option, value: text, allowed: `expected a whole number ${range}${note}` },
    };
  }
  return { ok: true, value: n };
}

/** One of `allowed`, matched case-insensitively (task pickLists are typed by hand in YAML). */
export function oneOf<T extends string>(
  option: string,
  value: string | undefined,
  fallback: T,
  allowed: readonly T[],
): Checked<T> {
  const text = given(value) ? String(value).trim() : fallback;
  const found = allowed.find((a) => a.toLowerCase() === text.toLowerCase());
  if (found === undefined) {
    const words = allowed.map((a) => `'${a}'`).join(', ');
    return { ok: false, problem: { option, value: text, allowed: `expected one of ${words}` } };
  }
  return { ok: true, value: found };
}

/**
 * An absolute https URL without query, fragment or credentials, trailing slashes dropped;
 * `undefined` or blank gives `null` ("not set").
 */
export function httpsBaseUrl(option: string, value: string | undefined): Checked<string | null> {
  if (!given(value)) return { ok: true, value: null };
  const text = String(value).trim();
  const bad = (allowed: string): Checked<string | null> => ({
    ok: false,
    problem: { option, value: text, allowed },
  });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('expected an absolute https:// URL');
  }
  if (url.protocol !== 'https:')
    return bad('expected an https:// URL (tokens must not travel in clear text)');
  if (url.search || url.hash || url.username || url.password) {
    return bad('expected a base URL without query, fragment or credentials');
  }
  return { ok: true, value: text.replace(/\/+$/, '') };
}

/** Text that must not be blank (ids); trimmed. */
export function required(option: string, value: string | undefined, what: string): Checked<string> {
  const text = value?.trim() ?? '';
  if (text === '') return { ok: false, problem: { option, value: '', allowed: `expected ${what}` } };
  return { ok: true, value: text };
}

/** `true`/`false`, or their text in any case; `undefined` or blank gives `fallback`. */
export function yesNo(
  option: string,
  value: boolean | string | undefined,
  fallback: boolean,
): Checked<boolean> {
  if (typeof value === 'boolean') return { ok: true, value };
  if (!given(value)) return { ok: true, value: fallback };
  const text = String(value).trim();
  if (text.toLowerCase() === 'true') return { ok: true, value: true };
  if (text.toLowerCase() === 'false') return { ok: true, value: false };
  return { ok: false, problem: { option, value: text, allowed: "expected 'true' or 'false'" } };
}
