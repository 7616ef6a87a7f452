/**
 * Azure clouds: where to sign in and where Microsoft Graph lives, by the `environment` of an
 * AzureRM service connection (azure-apis.md §1.4 `data.environment`; spec §3 `graphUrl`,
 * `authorityHost`). Hosts per Learn "National clouds" (Entra) and "Microsoft Graph national cloud
 * deployments".
 */
import { RotatorError } from '../errors';

/** The application id of Azure DevOps in Entra ID (azure-apis.md §1.2). */
export const AZURE_DEVOPS_RESOURCE_ID = '499b84ac-1321-427f-aa17-267ca6975798';

/** Token scope for Azure DevOps REST APIs. */
export const AZURE_DEVOPS_SCOPE = `${AZURE_DEVOPS_RESOURCE_ID}/.default`;

/** Endpoints of one cloud. */
export interface CloudEndpoints {
  /** The connection environment name, e.g. `AzureCloud`. */
  environment: string;
  /** Entra authority host, no trailing slash, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** Microsoft Graph origin, no trailing slash, e.g. `https://graph.microsoft.com`. */
  graphUrl: string;
}

const CLOUDS: Readonly<Record<string, CloudEndpoints>> = {
  azurecloud: {
    environment: 'AzureCloud',
    authorityHost: 'https://login.microsoftonline.com',
    graphUrl: 'https://graph.microsoft.com',
  },
  azureusgovernment: {
    environment: 'AzureUSGovernment',
    authorityHost: 'https://login.microsoftonline.us',
    graphUrl: 'https://graph.microsoft.us',
  },
  azurechinacloud: {
    environment: 'AzureChinaCloud',
    authorityHost: 'https://login.chinacloudapi.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
  },
};

/** Hosts msal-node knows without instance discovery (its built-in cloud metadata). */
const MICROSOFT_AUTHORITY_HOSTS: ReadonlySet<string> = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

/** Overrides for tests, the emulator, or the task's `graphUrl`/`authorityHost` inputs. */
export interface CloudOverrides {
  authorityHost?: string | undefined;
  graphUrl?: string | undefined;
}

/**
 * The endpoints for `environment` (case-insensitive; empty means `AzureCloud`), with overrides
 * applied. Throws `config.invalid_input` for an unknown environment without both overrides (Azure
 * Stack has no fixed hosts) or for an override that is not an https URL.
 */
export function resolveCloud(
  environment: string | null | undefined,
  overrides: CloudOverrides = {},
): CloudEndpoints {
  const name = (environment ?? '').trim() || 'AzureCloud';
  const known = CLOUDS[name.toLowerCase()];
  const authorityHost = overrides.authorityHost ?? known?.authorityHost;
  const graphUrl = overrides.graphUrl ?? known?.graphUrl;
  if (!authorityHost || !graphUrl) {
    throw new RotatorError('config.invalid_input', `Unknown Azure environment '${name}'`, {
      fix: 'Use AzureCloud, AzureUSGovernment or AzureChinaCloud, or set both authorityHost and graphUrl.',
    });
  }
  return {
    environment: known?.environment ?? name,
    authorityHost: httpsOrigin(authorityHost, 'authorityHost'),
    graphUrl: httpsOrigin(graphUrl, 'graphUrl'),
  };
}

/** The Graph scope for a Graph origin: `{graph}/.default`. */
export function graphScope(graphUrl: string): string {
  return `${graphUrl.replace(/\/+$/, '')}/.default`;
}

/**
 * True when msal-node knows the authority host without `knownAuthorities`. For any other host
 * msal would call the public instance-discovery endpoint (task-ecosystem.md §8).
 */
export function isMicrosoftAuthorityHost(authorityHost: string): boolean {
  return MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).host.toLowerCase());
}

function httpsOrigin(value: string, input: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RotatorError('config.invalid_input', `${input} '${value}' is not a URL`, {
      fix: `Set ${input} to an https URL such as https://login.microsoftonline.com.`,
    });
  }
  if (url.protocol !== 'https:') {
    // msal-node rejects non-https authorities (`authority_uri_insecure`), and tokens must not
    // travel in clear text.
    throw new RotatorError('config.invalid_input', `${input} '${value}' must use https`, {
      fix: `Set ${input} to an https URL.`,
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
