/**
 * The small interfaces the rotation engine depends on (STYLE: ports and adapters). Real adapters
 * wrap azure-devops-node-api, Graph over fetch and msal-node; tests use in-memory fakes.
 */
import type { EndpointDocument, TestConnectionResult } from '../devops/types';
import type { NewCertificate, NewPassword, PasswordCredentialInfo } from '../graph/types';

/** Service connections in Azure DevOps. */
export interface ConnectionStore {
  /** The connection as GET returns it (secrets null); null when it does not exist. */
  get(projectId: string, connectionId: string): Promise<EndpointDocument | null>;
  /** PUTs the whole connection; resolves with what the service stored (secrets null). */
  update(endpoint: EndpointDocument): Promise<EndpointDocument>;
  /**
   * Runs the `TestConnection` data source: with `proposed` details (e.g. a new secret not saved
   * yet) or, without, the stored ones.
   */
  test(projectId: string, connectionId: string, proposed?: EndpointDocument): Promise<TestConnectionResult>;
}

/** Application passwords in Microsoft Graph, for the tenant the store is bound to. */
export interface CredentialStore {
  /** Current password metadata of the application (by object id). */
  listPasswords(appObjectId: string): Promise<PasswordCredentialInfo[]>;
  /**
   * Mints a password. Not idempotent: implementations never retry it blindly; after an
   * ambiguous failure they list the passwords and look for `displayName` (spec §5.4).
   * `signal` ends only a wait before the request is sent (the write budget), never a request in
   * flight: that would leave open whether the password exists.
   */
  addPassword(
    appObjectId: string,
    request: { displayName: string; endDateTime: string },
    signal?: AbortSignal,
  ): Promise<NewPassword>;
  /** Removes a password; resolves also when it was already gone. */
  removePassword(appObjectId: string, keyId: string): Promise<void>;
}

/**
 * Application certificates (`keyCredentials`) in Microsoft Graph, for the tenant the store is
 * bound to. Graph's PATCH replaces the whole list, so implementations read–merge–write: every
 * certificate on the app is kept exactly, and a write that made another vanish is undone and
 * rejected (`graph.key_credentials_lost`). One write in flight per app.
 */
export interface CertificateStore {
  /**
   * Adds `certificate` (public part) to the app; resolves also when its keyId is already there.
   * `signal` ends only waits before anything is sent.
   */
  addCertificate(appObjectId: string, certificate: NewCertificate, signal?: AbortSignal): Promise<void>;
  /** Removes the certificate `keyId`, keeping every other; resolves also when it was already gone. */
  removeCertificate(appObjectId: string, keyId: string): Promise<void>;
}

/** What proving a certificate needs (secret: `privateKey`). */
export interface CertificateProof {
  /** SHA-256 of the DER certificate, hex. */
  thumbprintSha256: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

/** Answers "does this secret get a token for this app in this tenant now". */
export interface CredentialProver {
  /**
   * Resolves once a client-credentials token is issued with `secret`; retries answers that mean
   * "not propagated yet" (AADSTS7000215) for up to the implementation's budget, then rejects with
   * a `RotatorError` (`rotation.proof_failed` or an `auth.*` code).
   */
  proveSecret(tenantId: string, appId: string, secret: string, signal?: AbortSignal): Promise<void>;
  /**
   * The same for a new certificate: a token with a client assertion signed by its key, retrying
   * "key not found" (AADSTS700027, not propagated yet) within the budget. Optional: a prover
   * without it cannot rotate certificate connections (they then fail, nothing changed).
   */
  proveCertificate?(
    tenantId: string,
    appId: string,
    certificate: CertificateProof,
    signal?: AbortSignal,
  ): Promise<void>;
}
