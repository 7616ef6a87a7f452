import type { EmulatorContext } from '../context';
import {
  type IncomingRequest,
  json,
  type Outcome,
  RESET,
  type Reply,
  type RequestContext,
} from '../http/types';
import { authenticate } from './access';
import { graphError, graphIdHeaders } from './errors';
import { jsonBody } from './writes';

/** At most 20 requests per batch (GRAPHDOCS `concepts/json-batching.md`). */
export const MAX_BATCH_REQUESTS = 20;

interface BatchItem {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly dependsOn: readonly string[];
}

type ItemResult =
  | { readonly id: string; readonly status: number; readonly response: Record<string, unknown> }
  | typeof RESET;

/** Runs one inner request through the Graph service (routing, auth, faults, log). */
export type RunBatchItem = (request: IncomingRequest) => Promise<Outcome>;

function parseItems(raw: unknown): BatchItem[] | string {
  if (!Array.isArray(raw) || raw.length === 0)
    return 'Invalid batch payload format: requests must be a non-empty array.';
  if (raw.length > MAX_BATCH_REQUESTS) {
    return `The number of requests in a batch cannot exceed ${MAX_BATCH_REQUESTS}; this batch has ${raw.length}.`;
  }
  const items: BatchItem[] = [];
  for (const entry of raw as unknown[]) {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (
      typeof e['id'] !== 'string' ||
      e['id'] === '' ||
      typeof e['method'] !== 'string' ||
      typeof e['url'] !== 'string'
    ) {
      return 'Invalid batch payload format: every request needs id, method and url.';
    }
    if (/^[a-z]+:\/\//i.test(e['url']))
      return `Request id ${e['id']}: url must be relative to the version, like /applications.`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((e['headers'] ?? {}) as Record<string, unknown>))
      headers[k.toLowerCase()] = String(v);
    if (e['body'] !== undefined && !headers['content-type']) {
      return `Write request id : ${e['id']} does not contain Content-Type header or body.`;
    }
    const dependsOn = Array.isArray(e['dependsOn']) ? e['dependsOn'].map(String) : [];
    items.push({
      id: e['id'],
      method: e['method'].toUpperCase(),
      url: e['url'],
      headers,
      body: e['body'],
      dependsOn,
    });
  }
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) return `Request id ${item.id} is duplicated in the batch.`;
    ids.add(item.id);
  }
  for (const item of items) {
    for (const dep of item.dependsOn)
      if (!ids.has(dep)) return `Request id ${item.id} depends on unknown request ${dep}.`;
  }
  return items;
}

function innerRequest(item: BatchItem, outer: RequestContext): IncomingRequest {
  const url = new URL(item.url.startsWith('/') ? item.url : `/${item.url}`, 'https://graph.invalid');
  const path = `/v1.0${decodeURIComponent(url.pathname)}`.replace(/(.)\/+$/, '$1');
  const headers: Record<string, string> = { ...item.headers };
  // Inner requests carry the batch's credentials; they cannot bring their own.
  if (outer.headers['authorization']) headers['authorization'] = outer.headers['authorization'];
  const body =
    item.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(typeof item.body === 'string' ? item.body : JSON.stringify(item.body));
  return { method: item.method, path, query: url.searchParams, headers, body };
}

function itemResponse(id: string, reply: Reply): Record<string, unknown> {
  const headers: Record<string, string> = { ...reply.headers };
  const hasBody = reply.json !== undefined || reply.text !== undefined;
  if (hasBody) headers['Content-Type'] = reply.contentType ?? 'application/json';
  const response: Record<string, unknown> = { id, status: reply.status, headers };
  if (hasBody) response['body'] = reply.json ?? reply.text;
  return response;
}

/**
 * `POST /$batch`: up to 20 requests with unique ids; each runs as its own request (so one can be
 * throttled while the batch is 200); `dependsOn` sequences them and a failed dependency gives 424.
 * Responses come back in a seeded shuffled order, because Graph promises no order.
 */
export async function executeBatch(
  ctx: EmulatorContext,
  req: RequestContext,
  runItem: RunBatchItem,
): Promise<Outcome> {
  const caller = authenticate(ctx, req);
  if ('status' in caller) return caller;
  const parsed = jsonBody(ctx, req);
  if ('status' in parsed) return parsed;
  const { body } = parsed;
  const items = parseItems(body['requests']);
  if (typeof items === 'string') return graphError(req, ctx.clock, 400, 'BadRequest', items);
  const byId = new Map(items.map((i) => [i.id, i]));
  const results = new Map<string, Promise<ItemResult>>();
  const run = (item: BatchItem, path: readonly string[]): Promise<ItemResult> => {
    // The cycle check comes first: a request already running further up the path is pending and
    // waiting on it would never end.
    if (path.includes(item.id)) return Promise.reject(new Error(`dependsOn cycle at request ${item.id}`));
    const known = results.get(item.id);
    if (known) return known;
    const result = (async (): Promise<ItemResult> => {
      for (const depId of item.dependsOn) {
        const dep = await run(byId.get(depId)!, [...path, item.id]);
        if (dep === RESET || dep.status >= 400) {
          const reply = graphError(
            req,
            ctx.clock,
            424,
            'FailedDependency',
            `Request ${item.id} depends on request ${depId}, which failed.`,
          );
          return { id: item.id, status: 424, response: itemResponse(item.id, reply) };
        }
      }
      const outcome = await runItem(innerRequest(item, req));
      return outcome === RESET
        ? RESET
        : { id: item.id, status: outcome.status, response: itemResponse(item.id, outcome) };
    })();
    results.set(item.id, result);
    return result;
  };
  let done: ItemResult[];
  try {
    done = [];
    for (const item of items) done.push(await run(item, []));
  } catch (error) {
    return graphError(
      req,
      ctx.clock,
      400,
      'BadRequest',
      error instanceof Error ? error.message : String(error),
    );
  }
  // An inner reset (a connection lost mid-batch): the client never learns any outcome.
  if (done.some((r) => r === RESET)) return RESET;
  const responses = done.map((r) => (r === RESET ? {} : r.response));
  for (let i = responses.length - 1; i > 0; i -= 1) {
    const j = Math.floor(ctx.random() * (i + 1));
    [responses[i], responses[j]] = [responses[j]!, responses[i]!];
  }
  return json(200, { responses }, graphIdHeaders(req));
}
