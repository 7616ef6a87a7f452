/**
 * Field names of service connections, as Azure DevOps defines them (azure-apis.md §1.4; DECOMP
 * `AzureEndpointConstants.cs`). Keys are matched case-insensitively by the service, so everything
 * here is looked up by lower-cased key and mapped to one canonical spelling.
 */

function canonicalMap(names: readonly string[]): ReadonlyMap<string, string> {
  return new Map(names.map((name) => [name.toLowerCase(), name]));
}

/** `data` keys an AzureRM connection may carry (azure-apis.md §1.4). */
export const AZURERM_DATA_KEYS = canonicalMap([
  'subscriptionId',
  'subscriptionName',
  'environment',
  'scopeLevel',
  'creationMode',
  'resourceGroupName',
  'managementGroupId',
  'managementGroupName',
  'mlWorkspaceName',
  'mlWorkspaceLocation',
  'oboAuthorization',
  'azureSpnRoleAssignmentId',
  'azureSpnPermissions',
  'spnObjectId',
  'appObjectId',
  'resourceId',
  'revertSchemeDeadline',
  'isDraft',
  'revertSchemeDeadlineExpired',
  'identityType',
]);

/**
 * `authorization.parameters` keys of an AzureRM connection, over all its schemes: ServicePrincipal
 * (secret or certificate), WorkloadIdentityFederation (server-set issuer and subject) and managed
 * identity (azure-apis.md §1.4). Stored keys are lower case where the service stores them so.
 */
export const AZURERM_PARAMETER_KEYS = canonicalMap([
  'tenantid',
  'serviceprincipalid',
  'authenticationType',
  'serviceprincipalkey',
  'servicePrincipalCertificate',
  'scope',
  'workloadIdentityFederationIssuer',
  'workloadIdentityFederationSubject',
  'workloadIdentityFederationIssuerType',
]);

/**
 * Parameters that are write-only: returned as `null` by get/update and omitted by lists
 * (azure-apis.md §1.5). The AzureRM pair plus the usual secrets of other types.
 */
export const CONFIDENTIAL_KEYS = canonicalMap([
  'serviceprincipalkey',
  'servicePrincipalCertificate',
  'password',
  'apitoken',
  'accessToken',
]);

/** The AzureRM parameter holding a client secret. */
export const SECRET_KEY = 'serviceprincipalkey';
/** The AzureRM parameter holding a certificate (PEM with the private key). */
export const CERTIFICATE_KEY = 'servicePrincipalCertificate';
/** Server-set parameters of a workload identity federation connection. */
export const WIF_ISSUER_KEY = 'workloadIdentityFederationIssuer';
/** Server-set parameters of a workload identity federation connection. */
export const WIF_SUBJECT_KEY = 'workloadIdentityFederationSubject';

/** Server-set: `EntraID` on connections federated through the Entra issuer. */
export const WIF_ISSUER_TYPE_KEY = 'workloadIdentityFederationIssuerType';

/** Whether a type name is AzureRM (the service accepts any casing). */
export function isAzureRm(type: string): boolean {
  return type.toLowerCase() === 'azurerm';
}

/** Looks a key up case-insensitively in a plain record. */
export function getIgnoreCase(
  record: Readonly<Record<string, string | null>>,
  key: string,
): string | null | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(record)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** The ARM endpoint of each Azure environment, used as a connection's default `url`. */
export const ENVIRONMENT_URLS: Readonly<Record<string, string>> = {
  AzureCloud: 'https://management.azure.com/',
  AzureUSGovernment: 'https://management.usgovcloudapi.net/',
  AzureChinaCloud: 'https://management.chinacloudapi.cn/',
};
