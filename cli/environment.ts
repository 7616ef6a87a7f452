/**
 * The identities, from the environment, under the names Azure's own tools read (spec §11):
 * `AZURE_DEVOPS_EXT_PAT` is the Azure DevOps CLI extension's; `AZURE_TENANT_ID`,
 * `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` and `AZURE_CLIENT_CERTIFICATE_PATH` are what the Azure
 * SDKs' EnvironmentCredential reads (secret first when both are set, as there). With neither a
 * secret nor a certificate, the signed-in Azure CLI is the rotator (tenant from AZURE_TENANT_ID or
 * `az account show`), as in the SDKs' DefaultAzureCredential chain. Returns the library's types
 * and every secret found, for redaction.
 *
 * Not supported: PFX certificates and `AZURE_CLIENT_CERTIFICATE_PASSWORD`,
 * `AZURE_FEDERATED_TOKEN_FILE`.
 */
import fs from 'node:fs';
import { type DevOpsCredential, RotatorError, type RotatorIdentityOptions } from '../lib';
import { azureCliTenant, azureCliTokens } from './azure-cli';
import { UsageError } from './usage-error';

export interface Identities {
  rotator: RotatorIdentityOptions;
  devOps: DevOpsCredential;
  /** Every secret read (PAT, client secret, private key), for redaction. */
  secrets: string[];
  /** Where the rotator's tokens come from, for the progress log. */
  source: 'environment' | 'azure-cli';
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the identities; a {@link UsageError} names the variable that is missing or wrong. Only the
 * Azure CLI fallback without AZURE_TENANT_ID runs a command (`az account show`, local, no request
 * of ours).
 */
export async function identitiesFrom(env: Env): Promise<Identities> {
  const value = (name: string) => env[name]?.trim() || undefined;
  const secrets: string[] = [];
  const pat = value('AZURE_DEVOPS_EXT_PAT');
  if (pat) secrets.push(pat);
  const devOps: DevOpsCredential = pat ? { kind: 'pat', token: pat } : { kind: 'rotator' };
  const tenantId = value('AZURE_TENANT_ID');
  const appId = value('AZURE_CLIENT_ID');
  const clientSecret = value('AZURE_CLIENT_SECRET');
  const certificatePath = value('AZURE_CLIENT_CERTIFICATE_PATH');
  if (!clientSecret && !certificatePath) {
    if (appId) {
      throw new UsageError(
        'AZURE_CLIENT_ID is set without AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH: set one of them, or unset AZURE_CLIENT_ID to use the signed-in Azure CLI.',
      );
    }
    let tenant = tenantId;
    try {
      tenant ??= await azureCliTenant();
    } catch (error) {
      if (error instanceof RotatorError) throw UsageError.from(error);
      throw error;
    }
    return {
      rotator: {
        tenantId: tenant,
        credential: { kind: 'tokens', tokens: azureCliTokens({ tenantId: tenant }) },
      },
      devOps,
      secrets,
      source: 'azure-cli',
    };
  }
  if (!tenantId || !appId) {
    const missing = [tenantId ? '' : 'AZURE_TENANT_ID', appId ? '' : 'AZURE_CLIENT_ID'].filter(Boolean);
    throw new UsageError(
      `The rotator identity is not set: ${missing.join(', ')} missing. Set AZURE_TENANT_ID and AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, or none of them to use the signed-in Azure CLI.`,
    );
  }
  let credential: RotatorIdentityOptions['credential'];
  if (clientSecret) {
    secrets.push(clientSecret);
    credential = { kind: 'secret', clientSecret };
  } else {
    let pem: string;
    try {
      pem = fs.readFileSync(certificatePath!, 'utf8');
    } catch (error) {
      throw new UsageError(
        `AZURE_CLIENT_CERTIFICATE_PATH '${certificatePath}' cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      );
    }
    if (!pem.includes('PRIVATE KEY')) {
      throw new UsageError(
        `AZURE_CLIENT_CERTIFICATE_PATH '${certificatePath}' is not a PEM file holding the certificate and its private key (PFX is not supported).`,
      );
    }
    const key = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/.exec(pem);
    if (key) secrets.push(key[0]);
    credential = { kind: 'certificate', pem };
  }
  return { rotator: { tenantId, appId, credential }, devOps, secrets, source: 'environment' };
}
