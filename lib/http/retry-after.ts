/**
 * Reading how long a service asked us to wait.
 *
 * Azure services use three headers (Azure SDK `core-rest-pipeline` throttlingRetryStrategy reads the
 * same three, in this order): `retry-after-ms` and `x-ms-retry-after-ms` in milliseconds, and the
 * standard `Retry-After` in seconds or as an HTTP date (RFC 9110 §10.2.3). Graph and Azure DevOps
 * send `Retry-After` in seconds (azure-apis.md §1.12, §2.8).
 */

/** Response headers, looked up case-insensitively. */
export type HeaderBag =
  | Headers
  | Readonly<Record<string, string | readonly string[] | number | undefined | null>>;

/** One header value from a {@link HeaderBag}, case-insensitive; the first value of a list. */
export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
    if (Array.isArray(value)) return value.length > 0 ? String(value[0]) : undefined;
    return String(value);
  }
  return undefined;
}

const MS_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms'] as const;

/**
 * Milliseconds the response asks us to wait, or undefined when it does not say (or says nonsense).
 * A date in the past means "now" (0). `nowMs` is needed for the HTTP-date form.
 */
export function retryAfterMs(headers: HeaderBag | undefined, nowMs: number): number | undefined {
  for (const name of MS_HEADERS) {
    const raw = headerValue(headers, name)?.trim();
    if (raw && /^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw));
  }
  const raw = headerValue(headers, 'retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  // HTTP-date form: only accept something that at least names a weekday or month, so a garbled
  // number such as "-5" is not read as a date by Date.parse.
  if (/[a-z]{3}/i.test(raw)) {
    const at = Date.parse(raw);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  return undefined;
}
