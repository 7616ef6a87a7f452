/**
 * What discovery reads, as interfaces it owns. The Azure DevOps adapter (`lib/devops/`) and the
 * Graph adapter (`lib/graph/`) implement them; unit tests use in-memory fakes.
 */
import type { ProjectInfo, ServiceConnection, TestConnectionResult } from '../devops/types';
import type { ApplicationLookup } from '../graph/types';

/** Azure DevOps, read side. */
export interface ConnectionSource {
  /** Every project of the organization (all pages). */
  listProjects(signal?: AbortSignal): Promise<ProjectInfo[]>;
  /**
   * The AzureRM connections visible in one project, failed ones included (`includeFailed=true`),
   * each with `projects` holding at least this project's reference. One request per project.
   */
  listAzureRmConnections(project: ProjectInfo, signal?: AbortSignal): Promise<ServiceConnection[]>;
  /**
   * Optional: TestConnection of the connection's stored details (endpointproxy), to verify an
   * inferred attribution (issue #14). Rejects with `devops.forbidden` when the identity lacks the
   * User role on the connection. Without it, discovery verifies nothing.
   */
  testStoredConnection?(
    projectId: string,
    connectionId: string,
    signal?: AbortSignal,
  ): Promise<TestConnectionResult>;
  /**
   * Optional: the connections of ANY type in one project with one of these names, or one of these
   * ids, failed ones included; each with its name in that project. Discovery lists AzureRM
   * connections only, so before it calls a federated credential dangling it asks whether another
   * kind of connection (a Docker registry or Kubernetes one on the same app) has that subject.
   * Without it, the credentials found are listed unconfirmed.
   */
  findConnections?(
    project: ProjectInfo,
    query: { names: readonly string[] } | { ids: readonly string[] },
    signal?: AbortSignal,
  ): Promise<Array<{ id: string; name: string }>>;
}

/** Microsoft Graph, read side, bound to the rotator's tenant. */
export interface ApplicationSource {
  /**
   * Looks applications up by appId, batched (`$batch`, 20 per request). `withKeyCredentials`
   * lists the appIds whose certificates must be read too (that `$select` is throttled, so only
   * where a certificate connection needs it). `federated` lists the appIds behind workload
   * identity federation connections: one no application has may be a managed identity.
   */
  lookupApplications(
    appIds: readonly string[],
    options?: LookupOptions & { signal?: AbortSignal },
  ): Promise<Map<string, ApplicationLookup>>;
  /**
   * For each appId: `false` when its service principal is among the tenant's disabled ones (one
   * listing, `accountEnabled eq false`, all pages), else `null`: enabled, no service principal in
   * the tenant, or the listing failed. Null means unknown and is not flagged; `true` is never
   * returned by the Graph adapter.
   */
  servicePrincipalsEnabled(
    appIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, boolean | null>>;
  /**
   * Optional: a lookup whose reads start while appIds are still being found (spec §6, issue
   * #13). Discovery adds each project's appIds as its connection list arrives. Without it,
   * discovery calls {@link lookupApplications} once, after the last list.
   */
  openLookup?(signal?: AbortSignal): ApplicationLookupSession;
}

/** What to read beside each application (see {@link ApplicationSource.lookupApplications}). */
export interface LookupOptions {
  withKeyCredentials?: ReadonlySet<string>;
  federated?: ReadonlySet<string>;
}

/** See {@link ApplicationSource.openLookup}. */
export interface ApplicationLookupSession {
  /** More appIds to look up (repeats are ignored); options as in `lookupApplications`. */
  add(appIds: readonly string[], options?: LookupOptions): void;
  /** Sends what is left; resolves like `lookupApplications` for every appId added. */
  finish(): Promise<Map<string, ApplicationLookup>>;
  /**
   * Optional: one added appId's lookup as soon as its own GET has answered, before `finish`.
   * Complete for client-secret connections (their passwords come with the GET); certificates and
   * the managed identity behind a missing app are only in `finish`'s answer. Undefined for an
   * appId not added. Discovery starts attribution checks with it while still listing.
   */
  answered?(appId: string): Promise<ApplicationLookup> | undefined;
  /**
   * Optional: the appIds (lower case) of the tenant's disabled service principals, listed once
   * per session, the first call starting it; null when the listing failed (the session logs
   * why). With it, discovery does not call `ApplicationSource.servicePrincipalsEnabled`.
   */
  disabledServicePrincipals?(): Promise<ReadonlySet<string> | null>;
}
