/**
 * azure-devops-node-api clients for one organization and the current token.
 *
 * node-api auth handlers hold a fixed token and never refresh it (azure-apis.md §5), so a new
 * `WebApi` is built whenever the token provider hands out a different token. Each `WebApi`
 * discovers its routes once (`OPTIONS _apis/Location`, `GET _apis/ResourceAreas`, then
 * `OPTIONS _apis/{area}` per API client; task-ecosystem.md §8), so the API clients are kept per
 * session. node-api's own retries stay off: the retry policy wraps every call.
 */
import { getBearerHandler, getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import type { ICoreApi } from 'azure-devops-node-api/CoreApi';
import type { IServiceEndpointApi } from 'azure-devops-node-api/ServiceEndpointApi';
import type { TokenProvider } from '../auth/token-provider';
import type { NodeApiNetworkOptions } from '../http/network';

/**
 * How to call Azure DevOps: a personal access token, or a bearer token from a provider (the
 * pipeline job token through `staticTokenProvider`, or an Entra token of the rotator identity for
 * scope `499b84ac-1321-427f-aa17-267ca6975798/.default`).
 */
export type DevOpsAuthentication =
  | { kind: 'pat'; token: string }
  | { kind: 'bearer'; tokenProvider: TokenProvider; scope: string };

interface Session {
  token: string;
  webApi: WebApi;
  core?: Promise<ICoreApi>;
  endpoints?: Promise<IServiceEndpointApi>;
}

/** Hands out node-api clients for the current token. */
export class DevOpsSession {
  private current: Session | undefined;

  constructor(
    private readonly organizationUrl: string,
    private readonly authentication: DevOpsAuthentication,
    /** Time allowed per request (node-api's socket timeout). */
    private readonly timeoutMs: number,
    /** Proxy and CA options for node-api (`Network.nodeApiOptions()`). */
    private readonly networkOptions: NodeApiNetworkOptions = {},
  ) {}

  async coreApi(signal?: AbortSignal): Promise<ICoreApi> {
    const session = await this.session(signal);
    session.core ??= forget(session.webApi.getCoreApi().then(rejectUnreadable), () => {
      delete session.core;
    });
    return session.core;
  }

  async serviceEndpointApi(signal?: AbortSignal): Promise<IServiceEndpointApi> {
    const session = await this.session(signal);
    session.endpoints ??= forget(session.webApi.getServiceEndpointApi().then(rejectUnreadable), () => {
      delete session.endpoints;
    });
    return session.endpoints;
  }

  /** The organization's GUID (`GET {org}/_apis/connectionData` → `instanceId`; azure-apis.md §4.1). */
  async organizationId(signal?: AbortSignal): Promise<string | null> {
    const session = await this.session(signal);
    const data = await session.webApi.connect();
    return typeof data?.instanceId === 'string' ? data.instanceId : null;
  }

  private async session(signal?: AbortSignal): Promise<Session> {
    const auth = this.authentication;
    const token = auth.kind === 'pat' ? auth.token : await auth.tokenProvider.getToken(auth.scope, signal);
    if (this.current?.token !== token) {
      const handler = auth.kind === 'pat' ? getPersonalAccessTokenHandler(token) : getBearerHandler(token);
      this.current = {
        token,
        webApi: new WebApi(this.organizationUrl.replace(/\/+$/, ''), handler, {
          socketTimeout: this.timeoutMs,
          allowRetries: false,
          // Without it typed-rest-client makes a new agent, so a new TCP and TLS handshake, for
          // every request: hundreds of extra round trips in a large discovery (bench/, issue #8).
          // Idle keep-alive sockets are unref'd by Node and do not hold the process open.
          keepAlive: true,
          // A fresh object per WebApi: node-api writes task-lib's proxy into it when none is given.
          ...structuredClone(this.networkOptions),
        }),
      };
    }
    return this.current;
  }
}

/** The part of typed-rest-client's `RestClient` that {@link rejectUnreadable} wraps. */
interface ResponseProcessor {
  processResponse(
    res: { readBody(): Promise<string> },
    options: unknown,
  ): Promise<{ statusCode: number; result: unknown }>;
}

/**
 * typed-rest-client resolves a 2xx answer whose body is not JSON (cut short, an HTML page) with a
 * `null` result, exactly as it resolves a 404 (its `RestClient.processResponse`), so node-api
 * returns `null` for both and "unreadable" would read as "does not exist": a PUT that landed
 * would look refused. Such answers are rejected instead, with `statusCode` and `unreadable: true`,
 * which the retry policy reads as a malformed answer (`with-retries.ts`).
 */
function rejectUnreadable<T extends object>(api: T): T {
  const rest = (api as { rest?: ResponseProcessor }).rest;
  if (!rest || typeof rest.processResponse !== 'function') return api;
  const process = rest.processResponse.bind(rest);
  rest.processResponse = async (res, options) => {
    let body = '';
    const readBody = res.readBody.bind(res);
    res.readBody = async () => {
      body = await readBody();
      return body;
    };
    const response = await process(res, options);
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    if (ok && response.result === null && body.trim() !== '') {
      throw Object.assign(new Error(`unreadable response (HTTP ${response.statusCode})`), {
        statusCode: response.statusCode,
        unreadable: true,
      });
    }
    return response;
  };
  return api;
}

/** A failed discovery must not stay cached: the next attempt starts it again. */
function forget<T>(promise: Promise<T>, onFailure: () => void): Promise<T> {
  promise.catch(onFailure);
  return promise;
}
