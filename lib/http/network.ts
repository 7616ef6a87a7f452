/**
 * The network of a self-hosted agent or a corporate workstation: a CONNECT proxy with a bypass
 * list, and CA certificates to trust (a TLS-inspecting proxy re-signs every certificate with the
 * company's CA). {@link Network} applies one such configuration to all three clients: Graph and
 * the OIDC endpoint over `fetch`, msal-node through its network module (which calls the same
 * `fetch`), and azure-devops-node-api through its request options.
 *
 * `fetch` is undici's own with a dispatcher per request: a `ProxyAgent` (undici's CONNECT
 * tunnelling, with `Proxy-Authorization`), or a plain `Agent` for URLs on the bypass list. Node's
 * global `fetch` ignores proxies and cannot take a dispatcher of another undici version safely.
 *
 * Bypass entries are regular expressions tested case-insensitively against the whole request URL,
 * exactly as the agent and task-lib define them (`getHttpProxyConfiguration`: `new RegExp(entry,
 * 'i').test(url)`; typed-rest-client `HttpClient._isMatchInBypassProxyList` does the same), so one
 * list means the same to all three clients.
 */
import fs from 'node:fs';
import tls from 'node:tls';
import type * as Undici from 'undici';
import { RotatorError } from '../errors';
import { type ProxyFailure, ProxyFailureError, proxyFailureReason } from './proxy-failure';

/** A CONNECT proxy. Username and password are secrets of the caller: register them before. */
export interface ProxyOptions {
  /** `http://host:port` (or `https://`). Credentials in the URL are used when none are given. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /**
   * Regular expressions; a request whose URL matches one goes direct (see the file comment).
   * @default []
   */
  bypass?: readonly string[] | undefined;
}

/** How requests reach the services. */
export interface NetworkOptions {
  /** @default none: requests go direct */
  proxy?: ProxyOptions | undefined;
  /**
   * A PEM file of CA certificates to trust (the agent's `Agent.CAInfo`). For `fetch` (Graph, Entra
   * ID) they are trusted in addition to Node's own roots; azure-devops-node-api trusts only them
   * when set, as its `cert.caFile` option does for every Microsoft task.
   * @default none: Node's roots (and `NODE_EXTRA_CA_CERTS`)
   */
  caFile?: string | undefined;
  /**
   * Where the caller's user configures these, named in error messages (e.g.
   * `Agent.ProxyUrl and Agent.ProxyBypassList`).
   * @default 'the network.proxy option'
   */
  settingsName?: string | undefined;
}

/** The proxy part of azure-devops-node-api's request options (`IRequestOptions`). */
export interface NodeApiNetworkOptions {
  proxy?: { proxyUrl: string; proxyUsername?: string; proxyPassword?: string; proxyBypassHosts: string[] };
  cert?: { caFile: string };
}

interface Proxy {
  /** Origin of the proxy, without credentials. */
  url: string;
  username: string | undefined;
  password: string | undefined;
  bypass: RegExp[];
  bypassSources: string[];
}

function invalid(message: string, fix: string): RotatorError {
  return new RotatorError('config.invalid_input', message, { fix });
}

function parseProxy(options: ProxyOptions, settings: string): Proxy {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw invalid(
      `The proxy URL is not a URL (${settings})`,
      'Give the proxy as http://host:port or https://host:port.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(
      `The proxy URL ${url.protocol}//${url.host} has an unsupported scheme (${settings})`,
      'Give the proxy as http://host:port or https://host:port.',
    );
  }
  const username = options.username || decodeURIComponent(url.username) || undefined;
  const password = options.password || decodeURIComponent(url.password) || undefined;
  const bypassSources = [...(options.bypass ?? [])];
  const bypass = bypassSources.map((entry, index) => {
    try {
      return new RegExp(entry, 'i');
    } catch {
      throw invalid(
        `Bypass list entry ${index + 1} "${entry}" is not a valid regular expression (${settings})`,
        'Each bypass entry is a regular expression matched against the request URL, e.g. "\\.contoso\\.com".',
      );
    }
  });
  return { url: `${url.protocol}//${url.host}`, username, password, bypass, bypassSources };
}

function readCaFile(file: string): string {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new RotatorError('config.invalid_input', `The CA certificate file ${file} cannot be read`, {
      cause: error,
      fix: 'Point the CA setting at a readable PEM file of certificates.',
    });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalid(
      `The CA certificate file ${file} holds no PEM certificate`,
      'Point the CA setting at a PEM file (-----BEGIN CERTIFICATE----- blocks).',
    );
  }
  return pem;
}

/** See the file comment. Validates at construction; opens no connection until the first request. */
export class Network {
  private readonly proxy: Proxy | undefined;
  private readonly caFile: string | undefined;
  private readonly settings: string;
  private readonly direct: Undici.Dispatcher;
  private readonly proxied: Undici.Dispatcher | undefined;
  private readonly undiciFetch: typeof Undici.fetch;

  /** Sends a request with the dispatcher its URL calls for; same contract as global `fetch`. */
  readonly fetch: typeof fetch;

  constructor(options: NetworkOptions = {}) {
    this.settings = options.settingsName ?? 'the network.proxy option';
    this.proxy = options.proxy === undefined ? undefined : parseProxy(options.proxy, this.settings);
    this.caFile = options.caFile;
    const ca =
      options.caFile === undefined ? undefined : [...tls.rootCertificates, readCaFile(options.caFile)];
    const tlsOptions = ca === undefined ? {} : { ca };
    // Loaded here, not imported: a task bundle without a proxy or CA file never evaluates it.
    const { Agent, ProxyAgent, fetch: undiciFetch } = require('undici') as typeof Undici;
    this.undiciFetch = undiciFetch;
    this.direct = new Agent({ connect: tlsOptions });
    if (this.proxy) {
      const { username, password } = this.proxy;
      this.proxied = new ProxyAgent({
        uri: this.proxy.url,
        requestTls: tlsOptions,
        proxyTls: tlsOptions,
        ...(username === undefined && password === undefined
          ? {}
          : { token: `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}` }),
      });
    }
    this.fetch = ((input: string | URL | Request, init?: RequestInit) =>
      this.send(input, init)) as typeof fetch;
  }

  /** True when requests to `url` go through the proxy. */
  proxies(url: string | URL): boolean {
    const href = typeof url === 'string' ? url : url.href;
    return this.proxy !== undefined && !this.proxy.bypass.some((entry) => entry.test(href));
  }

  /** One line for the log: the proxy without credentials, the bypass list, the CA file. */
  describe(): string {
    const parts: string[] = [];
    if (this.proxy) {
      parts.push(`proxy ${this.proxy.url}${this.proxy.username ? ' (with credentials)' : ''}`);
      if (this.proxy.bypassSources.length > 0) parts.push(`bypass ${this.proxy.bypassSources.join(', ')}`);
    }
    if (this.caFile) parts.push(`CA certificates from ${this.caFile}`);
    return parts.length > 0 ? parts.join('; ') : 'direct';
  }

  /** azure-devops-node-api's request options for the same configuration. */
  nodeApiOptions(): NodeApiNetworkOptions {
    const options: NodeApiNetworkOptions = {};
    if (this.proxy) {
      options.proxy = {
        proxyUrl: this.proxy.url,
        proxyBypassHosts: [...this.proxy.bypassSources],
        ...(this.proxy.username === undefined ? {} : { proxyUsername: this.proxy.username }),
        ...(this.proxy.password === undefined ? {} : { proxyPassword: this.proxy.password }),
      };
    }
    if (this.caFile) options.cert = { caFile: this.caFile };
    return options;
  }

  /**
   * A {@link ProxyFailureError} for `error` when the request to `url` went through the proxy and
   * the proxy failed; undefined otherwise.
   */
  proxyFailure(error: unknown, url: string | URL): ProxyFailureError | undefined {
    if (!this.proxy || !this.proxies(url)) return undefined;
    const reason = proxyFailureReason(error);
    if (reason === undefined) return undefined;
    const failure: ProxyFailure = {
      proxy: this.proxy.url,
      host: new URL(url).host,
      reason,
      settings: this.settings,
    };
    return new ProxyFailureError(failure, error);
  }

  /** Closes idle connections (tests, and a CLI that wants to exit at once). */
  async close(): Promise<void> {
    await Promise.all([this.direct.close(), this.proxied?.close()]);
  }

  private async send(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = input instanceof Request ? input.url : input;
    const dispatcher = this.proxied && this.proxies(url) ? this.proxied : this.direct;
    try {
      // undici's fetch types are its own copies of the DOM ones; at run time they are the same.
      return (await this.undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as never;
    } catch (error) {
      throw this.proxyFailure(error, url) ?? error;
    }
  }
}
