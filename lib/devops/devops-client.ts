/**
 * The Azure DevOps adapter: projects and AzureRM service connections through azure-devops-node-api
 * (`CoreApi`, `ServiceEndpointApi`), implementing discovery's {@link ConnectionSource} and the
 * rotation engine's {@link ConnectionStore}. Every call goes through the retry policy and the
 * `devops` limiter ({@link withRetries}).
 */
import {
  type ServiceEndpoint,
  ServiceEndpointActionFilter,
} from 'azure-devops-node-api/interfaces/ServiceEndpointInterfaces';
import type { Clock } from '../clock';
import { type ErrorCode, RotatorError } from '../errors';
import { type Limiter, unlimited } from '../http/limiter';
import type { Network } from '../http/network';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../http/retry-policy';
import { withRetries } from '../http/with-retries';
import type { ConnectionSource } from '../inventory/ports';
import { type Logger, silentLogger } from '../logger';
import type { ConnectionStore } from '../rotation/ports';
import { type DevOpsAuthentication, DevOpsSession } from './devops-session';
import { toEndpointDocument } from './endpoint-document';
import { isAzureRm, parseServiceConnection } from './service-connection';
import { parseTestConnectionResult, testConnectionRequest } from './test-connection';
import type { EndpointDocument, ProjectInfo, ServiceConnection, TestConnectionResult } from './types';

/** Options of {@link DevOpsClient}. */
export interface DevOpsClientOptions {
  /** `System.CollectionUri`, e.g. `https://dev.azure.com/contoso`. */
  organizationUrl: string;
  authentication: DevOpsAuthentication;
  clock: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** @default unlimited (pass the `devops` limiter) */
  limiter?: Limiter;
  /** Overrides of {@link DEFAULT_RETRY_OPTIONS}. */
  retry?: Partial<RetryOptions>;
  /**
   * Time allowed per request.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Projects per page. node-api's `getProjects` drops the `x-ms-continuationtoken` header
   * (azure-apis.md §1.11), so pages are read with `$top`/`$skip` until a short page.
   * @default 100
   */
  projectPageSize?: number;
  /**
   * Proxy and CA certificates (see {@link Network}).
   * @default direct, Node's roots
   */
  network?: Network | undefined;
}

/** What to tell the user when an update is refused (spec §5.1 step 4). */
export function notAdminFix(connectionName: string): string {
  return (
    `Grant the identity the "Administrator" role on the service connection '${connectionName}' ` +
    '(Project settings → Service connections → Security), or choose another devOpsAuthentication.'
  );
}

/** See the file comment. */
export class DevOpsClient implements ConnectionSource, ConnectionStore {
  private readonly options: DevOpsClientOptions;
  private readonly session: DevOpsSession;
  private readonly retry: Readonly<RetryOptions>;
  private readonly limiter: Limiter;
  private readonly logger: Logger;

  constructor(options: DevOpsClientOptions) {
    this.options = options;
    this.session = new DevOpsSession(
      options.organizationUrl,
      options.authentication,
      options.timeoutMs ?? 30_000,
      options.network?.nodeApiOptions(),
    );
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.limiter = options.limiter ?? unlimited;
    this.logger = options.logger ?? silentLogger;
  }

  async listProjects(signal?: AbortSignal): Promise<ProjectInfo[]> {
    const top = this.options.projectPageSize ?? 100;
    const projects: ProjectInfo[] = [];
    const seen = new Set<string>();
    for (let skip = 0; ; skip += top) {
      const page = await this.call('devops.projects.list', true, signal, async () =>
        (await this.session.coreApi(signal)).getProjects(undefined, top, skip),
      );
      let added = 0;
      for (const project of page ?? []) {
        if (typeof project?.id !== 'string' || seen.has(project.id)) continue;
        seen.add(project.id);
        projects.push({ id: project.id, name: project.name ?? project.id });
        added += 1;
      }
      // A short page ends the list; a page of nothing new guards against a server ignoring $skip.
      if ((page?.length ?? 0) < top || added === 0) return projects;
    }
  }

  async listAzureRmConnections(project: ProjectInfo, signal?: AbortSignal): Promise<ServiceConnection[]> {
    const list = await this.call(
      'devops.endpoints.list',
      true,
      signal,
      async () =>
        // type=azurerm and includeFailed=true: failed connections are hidden by default and are
        // exactly the ones a user needs to hear about (azure-apis.md §1.3).
        (await this.session.serviceEndpointApi(signal)).getServiceEndpoints(
          project.id,
          'azurerm',
          undefined,
          undefined,
          undefined,
          true,
        ),
      { subject: `project '${project.name}'` },
    );
    return (list ?? [])
      .filter((raw) => isAzureRm(raw?.type))
      .map((raw) => parseServiceConnection(raw, project));
  }

  async findConnections(
    project: ProjectInfo,
    query: { names: readonly string[] } | { ids: readonly string[] },
    signal?: AbortSignal,
  ): Promise<Array<{ id: string; name: string }>> {
    const list = await this.call(
      'devops.endpoints.list',
      true,
      signal,
      async () => {
        const api = await this.session.serviceEndpointApi(signal);
        // No type: any kind of connection can hold a federated subject (azure-apis.md §1.3).
        return 'names' in query
          ? api.getServiceEndpointsByNames(
              project.id,
              [...query.names],
              undefined,
              undefined,
              undefined,
              true,
            )
          : api.getServiceEndpoints(project.id, undefined, undefined, [...query.ids], undefined, true);
      },
      { subject: `project '${project.name}'` },
    );
    return (list ?? []).flatMap((raw) => {
      if (typeof raw?.id !== 'string') return [];
      const here = raw.serviceEndpointProjectReferences?.find((r) => r.projectReference?.id === project.id);
      return [{ id: raw.id, name: here?.name ?? raw.name ?? '' }];
    });
  }

  async get(projectId: string, connectionId: string): Promise<EndpointDocument | null> {
    const subject = `service connection ${connectionId}`;
    const raw = await this.call(
      'devops.endpoints.get',
      true,
      undefined,
      async () =>
        (await this.session.serviceEndpointApi()).getServiceEndpointDetails(projectId, connectionId),
      { subject },
    );
    // node-api resolves a 404 on GET to null (typed-rest-client RestClient.processResponse).
    return raw ? toEndpointDocument(raw, subject) : null;
  }

  async update(endpoint: EndpointDocument): Promise<EndpointDocument> {
    const subject = `service connection '${endpoint.name}' (${endpoint.id})`;
    const stored = await this.call(
      'devops.endpoints.update',
      // A PUT of the whole document: repeating it stores the same document again.
      true,
      undefined,
      async () =>
        // Org-level PUT, no `operation`: a plain update (azure-apis.md §1.6).
        (await this.session.serviceEndpointApi()).updateServiceEndpoint(
          endpoint as unknown as ServiceEndpoint,
          endpoint.id,
        ),
      {
        subject,
        codeFor: (status) => (status === 403 ? 'devops.not_admin' : undefined),
        fixFor: (code) => (code === 'devops.not_admin' ? notAdminFix(endpoint.name) : undefined),
      },
    );
    // typed-rest-client resolves a 404 to null whatever the verb.
    if (!stored) throw new RotatorError('devops.not_found', `${subject} no longer exists`);
    return toEndpointDocument(stored, subject);
  }

  /**
   * The connection as an Administrator sees it (`actionFilter=Manage`): Azure DevOps leaves out a
   * connection the caller may not manage, so null means "not an Administrator" (or gone). The
   * migration reads this before writing anything for a connection (spec §8).
   */
  async getAsAdministrator(projectId: string, connectionId: string): Promise<EndpointDocument | null> {
    const subject = `service connection ${connectionId}`;
    const raw = await this.call(
      'devops.endpoints.get',
      true,
      undefined,
      async () =>
        (await this.session.serviceEndpointApi()).getServiceEndpointDetails(
          projectId,
          connectionId,
          ServiceEndpointActionFilter.Manage,
        ),
      { subject },
    );
    return raw ? toEndpointDocument(raw, subject) : null;
  }

  /**
   * `PUT …/endpoints/{id}?operation=ConvertAuthenticationScheme` with `endpoint` (the GET body
   * with only `authorization.scheme` changed; azure-apis.md §1.9): 200 when done, 202 while
   * `operationStatus` is InProgress. Not repeated blindly: after a first attempt that may have
   * landed a repeat is refused ("another operation in progress", or "neither an upgrade or a
   * downgrade"), so the caller reads the connection back instead.
   */
  async convertScheme(endpoint: EndpointDocument): Promise<EndpointDocument> {
    const subject = `service connection '${endpoint.name}' (${endpoint.id})`;
    const stored = await this.call(
      'devops.endpoints.update',
      false,
      undefined,
      async () =>
        (await this.session.serviceEndpointApi()).updateServiceEndpoint(
          endpoint as unknown as ServiceEndpoint,
          endpoint.id,
          'ConvertAuthenticationScheme',
        ),
      {
        subject,
        codeFor: (status) => (status === 403 ? 'devops.not_admin' : undefined),
        fixFor: (code) => (code === 'devops.not_admin' ? notAdminFix(endpoint.name) : undefined),
      },
    );
    if (!stored) throw new RotatorError('devops.not_found', `${subject} no longer exists`);
    return toEndpointDocument(stored, subject);
  }

  /** The organization's GUID (`connectionData.instanceId`), the id in its issuer and Entra subjects. */
  async organizationId(): Promise<string> {
    const id = await this.call('devops.connectionData', true, undefined, () => this.session.organizationId());
    if (!id) throw new RotatorError('devops.failed', 'Azure DevOps did not return the organization id.');
    return id;
  }

  async test(
    projectId: string,
    connectionId: string,
    proposed?: EndpointDocument,
  ): Promise<TestConnectionResult> {
    const subject = `service connection ${connectionId}`;
    const result = await this.call(
      'devops.endpointproxy.execute',
      // TestConnection only reads: repeating it is harmless although it is a POST.
      true,
      undefined,
      async () =>
        (await this.session.serviceEndpointApi()).executeServiceEndpointRequest(
          testConnectionRequest(proposed),
          projectId,
          connectionId,
        ),
      { subject },
    );
    if (!result)
      throw new RotatorError('devops.not_found', `${subject} was not found in project ${projectId}`);
    return parseTestConnectionResult(result, proposed);
  }

  /** TestConnection of the stored details, for discovery's attribution check (issue #14). */
  async testStoredConnection(
    projectId: string,
    connectionId: string,
    signal?: AbortSignal,
  ): Promise<TestConnectionResult> {
    const subject = `service connection ${connectionId}`;
    const result = await this.call(
      'devops.endpointproxy.execute',
      true,
      signal,
      async () =>
        (await this.session.serviceEndpointApi(signal)).executeServiceEndpointRequest(
          testConnectionRequest(),
          projectId,
          connectionId,
        ),
      { subject },
    );
    if (!result)
      throw new RotatorError('devops.not_found', `${subject} was not found in project ${projectId}`);
    return parseTestConnectionResult(result);
  }

  private call<T>(
    operation: string,
    idempotent: boolean,
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
    extra: {
      subject?: string;
      codeFor?: (status: number, serviceCode: string | undefined) => ErrorCode | undefined;
      fixFor?: (code: ErrorCode) => string | undefined;
    } = {},
  ): Promise<T> {
    const network = this.options.network;
    const guarded = network
      ? () =>
          fn().catch((error: unknown) => {
            throw network.proxyFailure(error, this.options.organizationUrl) ?? error;
          })
      : fn;
    return withRetries(guarded, {
      operation,
      idempotent,
      retry: this.retry,
      clock: this.options.clock,
      logger: this.logger,
      limiter: this.limiter,
      signal,
      ...extra,
      fixFor: (code) => extra.fixFor?.(code) ?? defaultFix(code),
    });
  }
}

function defaultFix(code: ErrorCode): string | undefined {
  switch (code) {
    case 'devops.unauthorized':
      return 'The Azure DevOps credential was rejected: check the token (expired PAT, job token not passed, or the identity is not a member of the organization).';
    case 'devops.forbidden':
      return 'Grant the identity access to the project and its service connections (Reader on the project, User on the connections).';
    default:
      return undefined;
  }
}
