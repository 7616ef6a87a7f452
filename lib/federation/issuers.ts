/**
 * The issuers of workload identity federation for Azure DevOps, and the retirement of the Azure
 * DevOps issuer (spec §7; federation-and-certificates.md §0, §1; azure-apis.md §4.1).
 *
 * Values are compared exactly, as Entra compares them: an issuer with a trailing slash or a space
 * is another issuer and fails the token exchange (federation-and-certificates.md §4.12), so
 * nothing here trims or lower-cases a value before matching it.
 */

/** The only audience Entra accepts for Azure DevOps federation (azure-apis.md §2.4, §4.1). */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** Prefix of the Azure DevOps issuer: `https://vstoken.dev.azure.com/{organizationId}`. */
export const AZURE_DEVOPS_ISSUER_PREFIX = 'https://vstoken.dev.azure.com/';

/**
 * The older Azure DevOps issuer, without an organization id. Entra answers AADSTS70021 for it;
 * re-saving the connection moves it to the current one (azure-apis.md §4.1).
 */
export const VISUAL_STUDIO_ISSUER = 'https://app.vstoken.visualstudio.com';

/**
 * When the Azure DevOps issuers stop working for public-cloud, single-tenant apps:
 * 2027-07-01T00:00:00Z (federation-and-certificates.md §1.1, RN-2026-s276).
 */
export const ISSUER_RETIREMENT = '2027-07-01T00:00:00.000Z';

/** {@link ISSUER_RETIREMENT} in epoch milliseconds. */
export const ISSUER_RETIREMENT_MS = Date.parse(ISSUER_RETIREMENT);

/** The Entra authority host of the public cloud, where the Entra issuer lives. */
export const PUBLIC_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** Entra authority hosts an Entra issuer may name (public and national clouds). */
const ENTRA_HOSTS = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
];

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const GUID_ONLY = new RegExp(`^${GUID}$`);
const ENTRA_ISSUER = new RegExp(
  `^https://(${ENTRA_HOSTS.map((h) => h.replaceAll('.', '\\.')).join('|')})/(${GUID})/v2\\.0$`,
);
const AZURE_DEVOPS_ISSUER = new RegExp(`^https://vstoken\\.dev\\.azure\\.com/(${GUID})$`);

/** True when `value` is a GUID (any case), with nothing around it. */
export function isGuid(value: string): boolean {
  return GUID_ONLY.test(value);
}

/**
 * The Entra issuer of a tenant: `https://login.microsoftonline.com/{tenantId}/v2.0` (spec §8;
 * federation-and-certificates.md §1.4). The tenant id is written in lower case, as Entra does.
 *
 * @param authorityHost @default {@link PUBLIC_AUTHORITY_HOST}
 * @throws TypeError when `tenantId` is not a GUID.
 */
export function entraIssuer(tenantId: string, authorityHost: string = PUBLIC_AUTHORITY_HOST): string {
  if (!isGuid(tenantId)) throw new TypeError(`The tenant id must be a GUID, got "${tenantId}".`);
  return `${authorityHost.replace(/\/+$/, '')}/${tenantId.toLowerCase()}/v2.0`;
}

/**
 * The Azure DevOps issuer of an organization: `https://vstoken.dev.azure.com/{organizationId}`.
 *
 * @throws TypeError when `organizationId` is not a GUID.
 */
export function azureDevOpsIssuer(organizationId: string): string {
  if (!isGuid(organizationId)) {
    throw new TypeError(`The organization id must be a GUID, got "${organizationId}".`);
  }
  return `${AZURE_DEVOPS_ISSUER_PREFIX}${organizationId.toLowerCase()}`;
}

/**
 * What an issuer value is:
 * - `entra`: an Entra issuer, with its tenant (lower case);
 * - `azure-devops`: the Azure DevOps issuer, with the organization id (lower case);
 * - `visual-studio`: the older Azure DevOps issuer (no organization id);
 * - `other`: anything else, including a known issuer with whitespace or a trailing slash.
 */
export type IssuerKind =
  | { kind: 'entra'; tenantId: string }
  | { kind: 'azure-devops'; organizationId: string }
  | { kind: 'visual-studio' }
  | { kind: 'other' };

/** Classifies an issuer exactly (see the file comment). Null or empty: `other`. */
export function classifyIssuer(issuer: string | null | undefined): IssuerKind {
  if (!issuer) return { kind: 'other' };
  const entra = ENTRA_ISSUER.exec(issuer);
  if (entra) return { kind: 'entra', tenantId: entra[2]!.toLowerCase() };
  const devops = AZURE_DEVOPS_ISSUER.exec(issuer);
  if (devops) return { kind: 'azure-devops', organizationId: devops[1]!.toLowerCase() };
  if (issuer === VISUAL_STUDIO_ISSUER) return { kind: 'visual-studio' };
  return { kind: 'other' };
}

/** True for the issuers retired on {@link ISSUER_RETIREMENT} (both Azure DevOps issuers). */
export function isAzureDevOpsIssuer(issuer: string | null | undefined): boolean {
  const { kind } = classifyIssuer(issuer);
  return kind === 'azure-devops' || kind === 'visual-studio';
}
