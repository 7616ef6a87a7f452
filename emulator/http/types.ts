/** The emulator's HTTPS front doors. `admin` is the test API on the devops port. */
export type ServiceName = 'devops' | 'entra' | 'graph' | 'admin';

/** A request as the routes see it: decoded path, parsed query, lower-case header names. */
export interface IncomingRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** `address:port` of the TCP peer (a proxy's address when the client came through one). */
  readonly peer?: string;
}

/** What a route answers. `json` is serialized; `text` is sent as is. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
}

/** Destroys the socket instead of answering (the `reset` fault). */
export const RESET = Symbol('reset');

/** A reply or a destroyed connection. */
export type Outcome = Reply | typeof RESET;

/** What a request is about, for fault rules' `match`. */
export interface FaultTarget {
  appId?: string;
  connectionId?: string;
  tenantId?: string;
  projectId?: string;
}

/** A routed request. */
export interface RequestContext extends IncomingRequest {
  readonly service: ServiceName;
  readonly operation: string;
  readonly params: Readonly<Record<string, string>>;
  /** Unique per request; Graph returns it as `request-id`. */
  readonly requestId: string;
  /** This request's `seq` in the request log (0 when it is not logged). */
  readonly seq: number;
  /** Set for a request inside a Graph `$batch`. */
  readonly batchSeq?: number;
  /** A fault rule the handler itself carries out (`drop_key`), when one hit this request. */
  readonly fault?: { readonly kind: string };
}

/** One route: method, path pattern (named groups become `params`), operation name and handler. */
export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly operation: string;
  /** Whether the operation changes state (request log `write`). */
  readonly write?: boolean;
  /** What the request targets, for fault matching. */
  target?(ctx: RequestContext): FaultTarget;
  handle(ctx: RequestContext): Promise<Outcome> | Outcome;
}

/** A service: its routes and how it names callers and shapes errors. */
export interface ServiceDefinition {
  readonly name: ServiceName;
  readonly routes: readonly Route[];
  /** The caller for the request log (identity id, appId or client_id); never a secret. */
  identify(ctx: RequestContext): string | null;
  /** An error in this service's own body shape. */
  error(ctx: RequestContext, status: number, code: string, message: string): Reply;
}

/** A JSON reply. */
export function json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply {
  return headers ? { status, json: body, headers } : { status, json: body };
}
