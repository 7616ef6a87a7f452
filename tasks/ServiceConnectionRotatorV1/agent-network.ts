/**
 * The self-hosted agent's network settings (its proxy, the proxy's credentials and bypass list,
 * its trusted CA file) turned into the library's {@link NetworkOptions}. The agent sets them as
 * variables (`Agent.ProxyUrl`, `Agent.ProxyUsername`, `Agent.ProxyPassword` (secret),
 * `Agent.ProxyBypassList` as a JSON array of regular expressions, `Agent.CAInfo`); the host reads
 * them through task-lib's `getHttpProxyConfiguration()` and `getHttpCertConfiguration()`.
 */
import { type NetworkOptions, RotatorError } from '../../lib';

/** The agent's settings as task-lib hands them out. Values may be secrets: never log them. */
export interface AgentNetworkSettings {
  proxyUrl?: string | undefined;
  proxyUsername?: string | undefined;
  proxyPassword?: string | undefined;
  /** Parsed `Agent.ProxyBypassList`. */
  proxyBypassHosts?: unknown;
  /** `Agent.CAInfo`: a PEM file. */
  caFile?: string | undefined;
  /** `Agent.ClientCert`: set when the agent uses a client certificate. */
  clientCertificate?: string | undefined;
}

/** Named in proxy errors: what the agent's administrator checks. */
export const AGENT_NETWORK_SETTINGS =
  "the agent's proxy settings (Agent.ProxyUrl, its credentials, and the bypass list Agent.ProxyBypassList)";

/** Said once when the agent has a client certificate: Azure DevOps Services never asks for one. */
export const CLIENT_CERTIFICATE_UNUSED =
  'The agent has a client certificate (Agent.ClientCert); this task does not send it. Requests that need one will fail.';

/**
 * The library's network options for the agent's settings; undefined when the agent has neither a
 * proxy nor a CA file. Registers the proxy password (and a password inside the URL) as secrets
 * before anything else sees them.
 */
export function agentNetworkOptions(
  settings: AgentNetworkSettings,
  register: (secret: string) => void,
): NetworkOptions | undefined {
  const proxyUrl = settings.proxyUrl?.trim();
  const caFile = settings.caFile?.trim();
  if (!proxyUrl && !caFile) return undefined;
  const options: NetworkOptions = { settingsName: AGENT_NETWORK_SETTINGS };
  if (proxyUrl) {
    if (settings.proxyPassword) register(settings.proxyPassword);
    const inUrl = passwordInUrl(proxyUrl);
    if (inUrl) register(inUrl);
    const bypass = settings.proxyBypassHosts ?? [];
    if (!Array.isArray(bypass) || bypass.some((entry) => typeof entry !== 'string')) {
      throw new RotatorError('config.invalid_input', 'Agent.ProxyBypassList is not a JSON array of strings', {
        fix: 'Configure the agent with a bypass list of regular expressions (.proxybypass, one per line).',
      });
    }
    options.proxy = {
      url: proxyUrl,
      username: settings.proxyUsername || undefined,
      password: settings.proxyPassword || undefined,
      bypass: bypass as string[],
    };
  }
  if (caFile) options.caFile = caFile;
  return options;
}

function passwordInUrl(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
