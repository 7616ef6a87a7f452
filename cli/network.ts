/**
 * The proxy from the environment, under the names curl, the Azure CLI and Node users set:
 * `HTTPS_PROXY` (or `https_proxy`; every service here is HTTPS, so `HTTP_PROXY` is not used),
 * credentials in its URL (`http://user:password@proxy:3128`), and `NO_PROXY` (or `no_proxy`)
 * turned into the library's bypass list by `noProxyBypass`. Extra trusted CAs need nothing here:
 * Node reads `NODE_EXTRA_CA_CERTS` at start-up into the default trust store, which both clients
 * use as long as no CA file is given.
 */
import { type NetworkOptions, noProxyBypass, RotatorError } from '../lib';
import { UsageError } from './usage-error';

type Env = Readonly<Record<string, string | undefined>>;

/** Named in proxy errors: what the user checks. */
export const CLI_NETWORK_SETTINGS = 'HTTPS_PROXY (and the credentials in it) and the bypass list NO_PROXY';

export interface CliNetwork {
  /** Undefined without `HTTPS_PROXY`: requests go direct. */
  network: NetworkOptions | undefined;
  /** The proxy password, for redaction. */
  secrets: string[];
}

/** Reads the proxy settings; a {@link UsageError} names the variable that is wrong. */
export function networkFrom(env: Env): CliNetwork {
  const proxyUrl = (env.HTTPS_PROXY || env.https_proxy)?.trim();
  if (!proxyUrl) return { network: undefined, secrets: [] };
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    // Not echoed: the value may hold a password.
    throw new UsageError('HTTPS_PROXY is not a URL: set it as http://[user:password@]host:port.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `HTTPS_PROXY has scheme '${url.protocol}': set it as http://[user:password@]host:port.`,
    );
  }
  const secrets = url.password ? [decodeURIComponent(url.password), url.password] : [];
  let bypass: string[];
  try {
    bypass = noProxyBypass(env.NO_PROXY ?? env.no_proxy, 'NO_PROXY');
  } catch (error) {
    if (error instanceof RotatorError) throw UsageError.from(error);
    throw error;
  }
  return {
    network: { proxy: { url: proxyUrl, bypass }, settingsName: CLI_NETWORK_SETTINGS },
    secrets: [...new Set(secrets)],
  };
}
