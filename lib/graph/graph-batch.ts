/**
 * Graph JSON batching for reads: `POST /$batch` with at most 20 requests each (GRAPHDOCS
 * `concepts/json-batching.md`; azure-apis.md §2.7).
 *
 * The batch itself answers 200 while each inner request has its own status, and each inner
 * request is throttled on its own. Items answered 429/503 (or another transient status) are
 * re-batched, alone, after the longest `Retry-After` among them, under the same policy as any
 * request; the others keep their answer. Only GETs are batched here, so repeats are harmless.
 */
import type { Clock } from '../clock';
import { HttpError } from '../errors';
import type { JsonHttpClient } from '../http/http-client';
import { decideRetry, type RetryOptions } from '../http/retry-policy';
import type { Logger } from '../logger';
import { graphServiceCode } from './concurrency-refusal';

/** Most requests Graph accepts in one batch. */
export const MAX_BATCH_SIZE = 20;

/** One inner GET, its URL relative to the version root (`/applications(appId='...')`). */
export interface BatchRequest {
  id: string;
  url: string;
}

/** One inner answer. */
export interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Options of {@link runBatchedGets}. */
export interface BatchOptions {
  client: JsonHttpClient;
  clock: Clock;
  retry: Readonly<RetryOptions>;
  logger: Logger;
  signal?: AbortSignal | undefined;
}

/**
 * Sends every request in batches of 20 (batches in parallel, bounded by the client's limiter) and
 * resolves with the final answer of each, by id.
 */
export async function runBatchedGets(
  requests: readonly BatchRequest[],
  options: BatchOptions,
): Promise<Map<string, BatchResponse>> {
  const chunks: BatchRequest[][] = [];
  for (let i = 0; i < requests.length; i += MAX_BATCH_SIZE)
    chunks.push(requests.slice(i, i + MAX_BATCH_SIZE));
  const answers = await Promise.all(chunks.map((chunk) => runChunk(chunk, options)));
  return new Map(answers.flat().map((answer) => [answer.id, answer]));
}

/**
 * Sends one batch of at most 20 and resolves with the final answer of each (items throttled or
 * failed transiently are re-batched as described in the file comment).
 */
export async function runChunk(
  chunk: readonly BatchRequest[],
  options: BatchOptions,
): Promise<BatchResponse[]> {
  const final: BatchResponse[] = [];
  let pending = [...chunk];
  const started = options.clock.now();
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    const answers = await sendBatch(pending, options);
    const retry: BatchRequest[] = [];
    let delayMs = 0;
    const now = options.clock.now();
    for (const request of pending) {
      const answer = answers.get(request.id) ?? missing(request.id);
      if (answer.status < 400) {
        final.push(answer);
        continue;
      }
      // Every shape of Graph's concurrency refusal, also the 400 that only its message identifies.
      const serviceCode = graphServiceCode(answer.body);
      const decision = decideRetry(
        {
          attempt,
          elapsedMs: now - started,
          nowMs: now,
          outcome: {
            kind: 'status',
            status: answer.status,
            headers: answer.headers,
            ...(typeof serviceCode === 'string' ? { serviceCode } : {}),
          },
          idempotent: true,
        },
        options.retry,
      );
      if (decision.retry) {
        retry.push(request);
        delayMs = Math.max(delayMs, decision.delayMs);
      } else {
        final.push(answer);
      }
    }
    if (retry.length > 0) {
      options.logger.debug(
        `graph.batch: ${retry.length} item(s) throttled or failed, re-batching in ${delayMs} ms`,
      );
      await options.clock.sleep(delayMs, options.signal);
    }
    pending = retry;
  }
  return final;
}

async function sendBatch(
  requests: readonly BatchRequest[],
  options: BatchOptions,
): Promise<Map<string, BatchResponse>> {
  const response = await options.client.request<{ responses?: unknown }>({
    method: 'POST',
    path: '/$batch',
    body: { requests: requests.map((r) => ({ id: r.id, method: 'GET', url: r.url })) },
    operation: 'graph.batch',
    // Every inner request is a GET.
    idempotent: true,
    signal: options.signal,
  });
  const list = response.body?.responses;
  if (!Array.isArray(list)) {
    throw new HttpError('http.malformed_response', 'graph.batch failed: the answer has no responses', {
      service: 'graph',
      operation: 'graph.batch',
      status: response.status,
    });
  }
  const answers = new Map<string, BatchResponse>();
  for (const item of list) {
    const { id, status, headers, body } = (item ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof status !== 'number') continue;
    answers.set(id, { id, status, headers: stringHeaders(headers), body });
  }
  return answers;
}

/** An item the batch answer left out: treat it as unavailable, so it is asked again. */
function missing(id: string): BatchResponse {
  return { id, status: 503, headers: {}, body: undefined };
}

function stringHeaders(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, v] of Object.entries(value))
    if (typeof v === 'string' || typeof v === 'number') out[key] = String(v);
  return out;
}
