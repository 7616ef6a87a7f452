import type { ServiceName } from './types';

/** One request as the emulator saw it. Never holds bodies, tokens or secret query values. */
export interface LoggedRequest {
  readonly seq: number;
  /** Emulator time the request arrived (ISO-8601). */
  readonly time: string;
  readonly service: ServiceName;
  readonly operation: string;
  readonly method: string;
  /** Path and query; values of query parameters not known to be harmless read `***`. */
  readonly path: string;
  /** HTTP status; 0 when the connection was reset. */
  readonly status: number;
  /** Identity id (devops), client_id (entra) or calling appId (graph); null when unknown. */
  readonly caller: string | null;
  readonly write: boolean;
  /** The fault kind injected into this request, if any. */
  readonly fault?: string;
  /** For a `concurrency` fault: the shape of the refusal sent (`conflict`, `unavailable`, ...). */
  readonly faultShape?: string;
  /** For a request inside a Graph `$batch`: the `seq` of the batch. */
  readonly batchSeq?: number;
  /**
   * HTTP requests to this service in flight when this one arrived, itself included (top-level
   * requests only; the benchmark reads the peak per service from it).
   */
  readonly inFlight?: number;
  /**
   * `address:port` the request came from: the client, or the proxy it came through. Absent for
   * requests inside a `$batch` (they arrive in their batch's request).
   */
  readonly peer?: string;
}

/** A log entry being written. */
export interface LogSlot {
  done: boolean;
  entry: LoggedRequest;
}

/** Query parameters whose values are identifiers or paging, never credentials. */
const SAFE_QUERY = new Set(
  [
    'api-version',
    '$top',
    '$skip',
    '$select',
    '$filter',
    '$skiptoken',
    'continuationtoken',
    'statefilter',
    'type',
    'authschemes',
    'endpointids',
    'endpointnames',
    'owner',
    'includefailed',
    'includedetails',
    'actionfilter',
    'operation',
    'endpointid',
    'serviceconnectionid',
    'client-request-id',
  ].map((k) => k.toLowerCase()),
);

/** The path with only harmless query values kept. */
export function redactedPath(path: string, query: URLSearchParams): string {
  const parts: string[] = [];
  for (const [key, value] of query) {
    parts.push(`${key}=${SAFE_QUERY.has(key.toLowerCase()) ? value : '***'}`);
  }
  return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
}

/** Called with each entry the moment its response is decided, before the response is sent. */
export type RequestListener = (entry: LoggedRequest) => void;

/** The request log, in arrival order (`seq`); entries appear once their response is decided. */
export class RequestLog {
  private slots: LogSlot[] = [];
  private nextSeq = 1;
  private readonly listeners = new Set<RequestListener>();
  private readonly inFlight = new Map<string, number>();
  private readonly counted = new WeakSet<LogSlot>();

  /**
   * Reserves a sequence number at arrival; `finish` completes the entry. `topLevel`: an HTTP
   * request of its own (not an item of a `$batch`), counted in {@link LoggedRequest.inFlight}.
   */
  begin(
    start: Pick<LoggedRequest, 'time' | 'service' | 'method' | 'path' | 'peer'>,
    topLevel = false,
  ): LogSlot {
    const entry: LoggedRequest = {
      seq: this.nextSeq++,
      operation: '',
      status: 0,
      caller: null,
      write: false,
      ...start,
    };
    const slot: LogSlot = { done: false, entry };
    if (topLevel) {
      const now = (this.inFlight.get(start.service) ?? 0) + 1;
      this.inFlight.set(start.service, now);
      this.counted.add(slot);
      slot.entry = { ...entry, inFlight: now };
    }
    this.slots.push(slot);
    return slot;
  }

  finish(
    slot: LogSlot,
    result: Pick<LoggedRequest, 'operation' | 'status' | 'caller' | 'write'> & Partial<LoggedRequest>,
  ): void {
    slot.entry = { ...slot.entry, ...result };
    slot.done = true;
    if (this.counted.delete(slot)) {
      const service = slot.entry.service;
      this.inFlight.set(service, (this.inFlight.get(service) ?? 1) - 1);
    }
    for (const listener of this.listeners) listener({ ...slot.entry });
  }

  /** Adds a listener (see {@link RequestListener}); returns the function that removes it. */
  subscribe(listener: RequestListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Completed entries, oldest first. */
  entries(): LoggedRequest[] {
    return this.slots.filter((s) => s.done).map((s) => ({ ...s.entry }));
  }

  /** Forgets completed entries (requests still in flight are kept). */
  clear(): void {
    this.slots = this.slots.filter((s) => !s.done);
  }
}
