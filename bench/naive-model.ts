/**
 * Extrapolating the naive baseline to sizes where running it would take minutes: the naive
 * script's time is a latency per request plus a fixed start, so a least-squares line
 * `wallMs = intercept + slope × requests` is fitted to the measured runs, and evaluated at the
 * request count the script would send for the larger organization (`naiveRequestCount`, checked
 * against the emulator's log at the measured sizes).
 */

export interface NaivePoint {
  requests: number;
  wallMs: number;
}

export interface NaiveModel {
  /** ms at zero requests (process warm-up, first TLS handshakes). */
  interceptMs: number;
  /** ms per request. */
  slopeMs: number;
  points: NaivePoint[];
}

/** Least-squares fit; with two points it is the line through them. */
export function fitNaiveModel(points: readonly NaivePoint[]): NaiveModel | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.requests, 0) / n;
  const my = points.reduce((s, p) => s + p.wallMs, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.requests - mx) ** 2, 0);
  if (sxx === 0) return null;
  const slopeMs = points.reduce((s, p) => s + (p.requests - mx) * (p.wallMs - my), 0) / sxx;
  return { interceptMs: my - slopeMs * mx, slopeMs, points: [...points] };
}

export function predictNaiveMs(model: NaiveModel, requests: number): number {
  return model.interceptMs + model.slopeMs * requests;
}

/** What {@link naiveMs} reads of a measured size. */
interface NaiveSize {
  naive: { worker: { wallMs: number; checksMs?: number } } | null;
  naiveRequests: number;
  naiveRequestsUnverified: number;
}

/**
 * The naive script's wall time at a size: measured where it ran, else `~` extrapolated. With
 * `verified` false, without its attribution checks: measured, the run less the time its checks
 * took (it sends one request at a time, so that time is theirs alone); extrapolated, the model at
 * the request count without them.
 */
export function naiveMs(
  s: NaiveSize,
  model: NaiveModel | null,
  verified = true,
): { ms: number; measured: boolean } | null {
  if (s.naive)
    return { ms: s.naive.worker.wallMs - (verified ? 0 : (s.naive.worker.checksMs ?? 0)), measured: true };
  if (!model) return null;
  return {
    ms: predictNaiveMs(model, verified ? s.naiveRequests : s.naiveRequestsUnverified),
    measured: false,
  };
}
