/**
 * The interfaces the migration engine depends on. `DevOpsClient` and `GraphClient` implement
 * them; unit tests use in-memory fakes.
 */
import type { EndpointDocument, TestConnectionResult } from '../devops/types';
import type { FederatedCredentialInfo } from '../graph/types';
import type { MigrationEntry } from './types';

/** Service connections, as the migration reads and converts them. */
export interface MigrationConnectionStore {
  get(projectId: string, connectionId: string): Promise<EndpointDocument | null>;
  /** The connection read with `actionFilter=Manage`: null when the caller is not an Administrator. */
  getAsAdministrator(projectId: string, connectionId: string): Promise<EndpointDocument | null>;
  /** `PUT ?operation=ConvertAuthenticationScheme` with the document (only the scheme changed). */
  convertScheme(endpoint: EndpointDocument): Promise<EndpointDocument>;
  test(projectId: string, connectionId: string, proposed?: EndpointDocument): Promise<TestConnectionResult>;
}

/** A new federated credential. */
export interface NewFederatedCredential {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string;
}

/** Application credentials in Microsoft Graph, as the migration writes them. */
export interface FederatedCredentialStore {
  listFederatedCredentials(appObjectId: string): Promise<FederatedCredentialInfo[]>;
  /** Not idempotent: after an ambiguous failure the caller lists and looks for it. */
  createFederatedCredential(
    appObjectId: string,
    credential: NewFederatedCredential,
  ): Promise<FederatedCredentialInfo>;
  /** Resolves also when it was already gone. */
  deleteFederatedCredential(appObjectId: string, name: string): Promise<void>;
  /** Resolves also when it was already gone. */
  removePassword(appObjectId: string, keyId: string): Promise<void>;
}

/**
 * The issuer switch of a connection on the legacy Azure DevOps issuer, once the Entra federated
 * credential exists. Azure DevOps documents no REST call for it (the portal's Update;
 * federation-and-certificates.md §1.2), so the default, {@link handOffIssuerSwitch}, hands it to
 * a person; an implementation with a real call can replace it when one is documented.
 */
export interface IssuerSwitch {
  /** `switched`: the connection now uses the Entra issuer; `handed_off`: a person must press Update. */
  switchIssuer(entry: MigrationEntry): Promise<'switched' | 'handed_off'>;
}

/** The default switch: report "ready to switch" with the portal link; nothing is sent. */
export const handOffIssuerSwitch: IssuerSwitch = {
  switchIssuer: async () => 'handed_off',
};
