/**
 * The Microsoft Graph adapter, bound to one tenant: application lookups (batched), service
 * principal state, password credentials and federated credentials. Implements discovery's
 * {@link ApplicationSource} and the rotation engine's {@link CredentialStore}. Reads go through
 * the retry policy and the `graph` limiter; credential writes also through the per-tenant write
 * pacer and the per-application write serialiser ({@link GraphClient.writeCredential}).
 */
import { graphScope } from '../auth/clouds';
import type { TokenProvider } from '../auth/token-provider';
import type { Clock } from '../clock';
import { type ErrorCode, type HttpError, RotatorError } from '../errors';
import { JsonHttpClient, type JsonRequest, type JsonResponse } from '../http/http-client';
import { httpErrorFor, safeCode } from '../http/http-errors';
import type { Limiter } from '../http/limiter';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../http/retry-policy';
import { WritePacer } from '../http/write-pacer';
import type { ApplicationLookupSession, ApplicationSource, LookupOptions } from '../inventory/ports';
import { type Logger, silentLogger } from '../logger';
import type { CertificateStore, CredentialStore } from '../rotation/ports';
import { mintPassword, unreadableAnswer } from './add-password';
import { StreamingApplicationLookup } from './application-lookup';
import { BatchPipeline } from './batch-pipeline';
import { graphServiceCode } from './concurrency-refusal';
import { CredentialWriteSerializer } from './credential-write-serializer';
import type { BatchResponse } from './graph-batch';
import {
  parseApplication,
  parseFederatedCredential,
  parseNewPassword,
  parsePasswordCredentials,
} from './graph-parse';
import {
  type KeyCredentialChange,
  type KeyCredentialEntry,
  parseKeyCredentialEntries,
} from './key-credential-merge';
import { updateKeyCredentials } from './key-credential-update';
import { listDisabledServicePrincipals } from './service-principal-list';
import type {
  ApplicationLookup,
  FederatedCredentialInfo,
  KeyCredentialInfo,
  NewCertificate,
  NewPassword,
  PasswordCredentialInfo,
} from './types';

/** Options of {@link GraphClient}. */
export interface GraphClientOptions {
  /** Graph origin, e.g. `https://graph.microsoft.com` (see `resolveCloud`). */
  graphUrl: string;
  /** The tenant the token provider signs in to; recorded on every application read. */
  tenantId: string;
  /** Tokens for `{graphUrl}/.default`. */
  tokenProvider: TokenProvider;
  clock: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** @default unlimited (pass the `graph` limiter) */
  limiter?: Limiter;
  /** Overrides of {@link DEFAULT_RETRY_OPTIONS}. */
  retry?: Partial<RetryOptions>;
  /** @default 30000 */
  timeoutMs?: number;
  /** Paces writes; share one between clients of the same tenant. @default a new WritePacer */
  pacer?: WritePacer;
  /**
   * Keeps one credential write in flight per application; share one between clients writing to
   * the same tenant. @default a new CredentialWriteSerializer
   */
  writeSerializer?: CredentialWriteSerializer;
  /**
   * Paces single-object reads selecting `keyCredentials` (their own quota: 150 per minute per
   * tenant, azure-apis.md §2.1); share one between clients of the same tenant.
   * @default keyCredentialReadPacer(clock)
   */
  keyCredentialReadPacer?: WritePacer;
  /** See `MintOptions.reconcileDelayMs`. @default 2000 */
  reconcileDelayMs?: number;
  /** See `MintOptions.maxMintAttempts`. @default 4 */
  maxMintAttempts?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * What discovery reads of each application, in one GET: password metadata, the sign-in audience
 * and, expanded, the federated identity credentials (spec §7). The relationship supports `$expand`
 * (GRAPHDOCS `resources/application.md`: "Federated identities for applications. Supports $expand");
 * an app holds at most 20 of them, the most an expanded directory relationship returns, so nothing
 * is cut off, and no second request per app is needed. It costs one more resource unit per read
 * (azure-apis.md §2.8), not one more request.
 */
const APP_QUERY =
  '$select=id,appId,displayName,signInAudience,passwordCredentials&$expand=federatedIdentityCredentials';

/**
 * The pacer for `$select=keyCredentials` reads: 10 in a burst, 135 per minute after, so no 60 s
 * window holds more than 145 of them, under Graph's 150 per minute per tenant whether Graph counts
 * them in a refilling bucket or in fixed or sliding minutes (the docs do not say). The headroom is
 * for the lists discovery reads (they count too, key-credential-lists.ts) and other readers.
 */
export function keyCredentialReadPacer(clock: Clock): WritePacer {
  return new WritePacer({ clock, capacity: 10, windowMs: Math.ceil((10 * 60_000) / 135) });
}

/** What to grant when reads are refused (GRAPHDOCS `application-get.md` permissions). */
export function readFix(appId: string): string {
  return (
    `Grant the rotator identity Application.Read.All, or make its service principal an owner of app ${appId} ` +
    'and grant Application.ReadWrite.OwnedBy.'
  );
}

/** What to grant when writes are refused (azure-apis.md §2.2, §2.6). */
export function writeFix(app: string): string {
  return (
    `Make the rotator's service principal an owner of ${app} and grant it Application.ReadWrite.OwnedBy ` +
    '(or grant Application.ReadWrite.All).'
  );
}

/** A service principal GET's answer as a managed identity; null for anything else. */
function managedIdentityOf(principal: BatchResponse | undefined): ApplicationLookup | null {
  if (principal?.status !== 200) return null;
  const body = principal.body as Record<string, unknown> | undefined;
  if (body?.['servicePrincipalType'] !== 'ManagedIdentity' || typeof body['id'] !== 'string') return null;
  const displayName = typeof body['displayName'] === 'string' ? body['displayName'] : body['id'];
  return { kind: 'managed_identity', objectId: body['id'], displayName };
}

/** See the file comment. */
export class GraphClient implements ApplicationSource, CredentialStore, CertificateStore {
  readonly tenantId: string;
  private readonly options: GraphClientOptions;
  private readonly http: JsonHttpClient;
  private readonly retry: Readonly<RetryOptions>;
  private readonly pacer: WritePacer;
  private readonly writes: CredentialWriteSerializer;
  private readonly keyReads: WritePacer;
  private readonly logger: Logger;
  /** Applications read so far, by object id, so that a refused write can name the app. */
  private readonly names = new Map<string, { displayName: string; appId: string }>();

  constructor(options: GraphClientOptions) {
    this.options = options;
    this.tenantId = options.tenantId;
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.logger = options.logger ?? silentLogger;
    this.pacer = options.pacer ?? new WritePacer({ clock: options.clock });
    this.writes = options.writeSerializer ?? new CredentialWriteSerializer();
    this.keyReads = options.keyCredentialReadPacer ?? keyCredentialReadPacer(options.clock);
    this.http = new JsonHttpClient({
      service: 'graph',
      baseUrl: `${options.graphUrl.replace(/\/+$/, '')}/v1.0`,
      tokenProvider: options.tokenProvider,
      scope: graphScope(options.graphUrl),
      clock: options.clock,
      logger: this.logger,
      retry: this.retry,
      serviceCodeOf: graphServiceCode,
      ...(options.limiter === undefined ? {} : { limiter: options.limiter }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
  }

  async lookupApplications(
    appIds: readonly string[],
    options: LookupOptions & { signal?: AbortSignal } = {},
  ): Promise<Map<string, ApplicationLookup>> {
    const session = this.openLookup(options.signal);
    const { signal: _signal, ...lookup } = options;
    session.add(appIds, lookup);
    return session.finish();
  }

  /**
   * A lookup that sends its `$batch`es while appIds are still being added (issue #13): discovery
   * adds each project's as its list arrives. Certificates by lists, not with each GET: that
   * `$select` has a small quota (key-credential-lists.ts).
   */
  openLookup(signal?: AbortSignal): ApplicationLookupSession {
    return new StreamingApplicationLookup({
      pipeline: new BatchPipeline(this.batchOptions(signal)),
      logger: this.logger,
      applicationUrl: (appId) => `/applications(appId='${appId}')?${APP_QUERY}`,
      servicePrincipalUrl: (appId) =>
        `/servicePrincipals(appId='${appId}')?$select=id,appId,displayName,servicePrincipalType`,
      interpret: (appId, answer, keyCredentials, principal) =>
        this.interpret(appId, answer, keyCredentials, principal),
      listDisabled: () => this.disabledServicePrincipals(signal),
    });
  }

  /** One application GET's final answer as a lookup. */
  private interpret(
    appId: string,
    answer: BatchResponse | undefined,
    keyCredentials: KeyCredentialInfo[] | undefined,
    principal?: BatchResponse,
  ): ApplicationLookup {
    if (answer?.status === 200) {
      const app = parseApplication(answer.body, this.tenantId, false);
      if (app) {
        this.names.set(app.objectId.toLowerCase(), { displayName: app.displayName, appId: app.appId });
        return { kind: 'found', app: keyCredentials ? { ...app, keyCredentials } : app };
      }
    }
    if (answer?.status === 404) return managedIdentityOf(principal) ?? { kind: 'not_found' };
    if (answer?.status === 403 || answer?.status === 401) {
      return {
        kind: 'forbidden',
        message: `Not allowed to read application ${appId} in tenant ${this.tenantId}. ${readFix(appId)}`,
      };
    }
    // One app's failure is that app's connections' problem, not the whole inventory's.
    return { kind: 'failed', message: this.itemError(answer, appId).message };
  }

  /**
   * Which of `appIds` have a disabled service principal in this tenant: `false` for those whose
   * service principal is in the tenant's list of disabled ones
   * (`GET /servicePrincipals?$filter=accountEnabled eq false`, every `@odata.nextLink` page), `null`
   * for every other appId (enabled, no service principal, or not visible to the rotator: unknown,
   * so not flagged). Never `true`. One listing however many appIds, none for an empty input. A
   * listing that still fails after the retry policy gives up is logged and leaves every appId `null`.
   */
  async servicePrincipalsEnabled(
    appIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, boolean | null>> {
    const result = new Map<string, boolean | null>();
    for (const appId of appIds) result.set(appId, null);
    if (result.size === 0) return result;
    const disabled = await this.disabledServicePrincipals(signal);
    if (disabled === null) return result;
    for (const appId of result.keys()) if (disabled.has(appId.toLowerCase())) result.set(appId, false);
    return result;
  }

  /**
   * The appIds (lower case) of the tenant's disabled service principals (see
   * {@link servicePrincipalsEnabled}); null, logged, when the listing still fails after the retry
   * policy gives up.
   */
  private async disabledServicePrincipals(signal?: AbortSignal): Promise<Set<string> | null> {
    try {
      return await listDisabledServicePrincipals(this.http, this.tenantId, signal);
    } catch (error) {
      signal?.throwIfAborted();
      // Like a failed batched item before: unknown, not flagged; discovery goes on.
      const reason =
        error instanceof RotatorError
          ? `${error.code}: ${error.message}${error.fix ? ` ${error.fix}` : ''}`
          : String(error);
      this.logger.warn(
        `Listing the disabled service principals of tenant ${this.tenantId} failed; their state is unknown: ${reason}`,
      );
      return null;
    }
  }

  async listPasswords(appObjectId: string, signal?: AbortSignal): Promise<PasswordCredentialInfo[]> {
    const response = await this.http.request<unknown>({
      method: 'GET',
      path: `/applications/${encodeURIComponent(appObjectId)}?$select=id,passwordCredentials`,
      operation: 'graph.applications.get',
      subject: `application ${appObjectId}`,
      fixFor: (code) => (code === 'graph.forbidden' ? readFix(appObjectId) : undefined),
      signal,
    });
    return parsePasswordCredentials(response.body);
  }

  async addPassword(
    appObjectId: string,
    request: { displayName: string; endDateTime: string },
    signal?: AbortSignal,
  ): Promise<NewPassword> {
    const subject = `application ${appObjectId}`;
    return mintPassword(
      {
        post: async (body) => {
          const response = await this.writeCredential<unknown>(appObjectId, {
            method: 'POST',
            path: `/applications/${encodeURIComponent(appObjectId)}/addPassword`,
            body: { passwordCredential: { displayName: body.displayName, endDateTime: body.endDateTime } },
            operation: 'graph.applications.addPassword',
            idempotent: false,
            // Cancelled while waiting its turn (serialiser, pacer): do not send. A request once
            // sent is never aborted, so `signal` is not passed to the request itself.
            beforeAttempt: async () => signal?.throwIfAborted(),
            subject,
            fixFor: (code) => this.writeFixFor(code, appObjectId),
          });
          const minted = parseNewPassword(response.body, body);
          if (!minted) throw unreadableAnswer(response.status, subject);
          return minted;
        },
        list: () => this.listPasswords(appObjectId),
        remove: (keyId) => this.removePassword(appObjectId, keyId),
      },
      request,
      {
        clock: this.options.clock,
        logger: this.logger,
        reconcileDelayMs: this.options.reconcileDelayMs ?? 2000,
        // Two in a row is not rare under a few percent of 5xx and resets (test/reliability fault
        // soak); each further attempt follows a reconciliation, so it is never blind.
        maxMintAttempts: this.options.maxMintAttempts ?? 4,
        subject,
      },
    );
  }

  async removePassword(appObjectId: string, keyId: string): Promise<void> {
    await this.writeCredential<unknown>(appObjectId, {
      method: 'POST',
      path: `/applications/${encodeURIComponent(appObjectId)}/removePassword`,
      body: { keyId },
      operation: 'graph.applications.removePassword',
      // Removing a key twice leaves the same state; the second answer is a 404, which is "done".
      idempotent: true,
      acceptStatuses: [404],
      subject: `password ${keyId} of application ${appObjectId}`,
      fixFor: (code) => this.writeFixFor(code, appObjectId),
    });
  }

  async addCertificate(
    appObjectId: string,
    certificate: NewCertificate,
    signal?: AbortSignal,
  ): Promise<void> {
    const entry = {
      keyId: certificate.keyId.toLowerCase(),
      key: certificate.key,
      raw: {
        keyId: certificate.keyId.toLowerCase(),
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        key: certificate.key,
        displayName: certificate.displayName,
        startDateTime: certificate.startDateTime,
        endDateTime: certificate.endDateTime,
      },
    };
    await this.updateCertificates(appObjectId, { kind: 'add', entry }, signal);
  }

  async removeCertificate(appObjectId: string, keyId: string): Promise<void> {
    await this.updateCertificates(appObjectId, { kind: 'remove', keyId });
  }

  /**
   * The application's certificates with their public `key`: a single-object
   * `$select=keyCredentials` GET, the only read that returns `key` (GRAPHDOCS
   * `resources/keycredential.md`), paced to its quota.
   */
  async readKeyCredentials(appObjectId: string, signal?: AbortSignal): Promise<KeyCredentialEntry[]> {
    const response = await this.http.request<unknown>({
      method: 'GET',
      path: `/applications/${encodeURIComponent(appObjectId)}?$select=keyCredentials`,
      operation: 'graph.applications.get',
      subject: `application ${appObjectId}`,
      beforeAttempt: () => this.keyReads.acquire(this.tenantId, signal),
      fixFor: (code) => (code === 'graph.forbidden' ? readFix(appObjectId) : undefined),
      signal,
    });
    return parseKeyCredentialEntries(response.body);
  }

  /** A read–merge–write of `keyCredentials` as one credential write turn of the app (key-credential-update.ts). */
  private async updateCertificates(
    appObjectId: string,
    change: KeyCredentialChange,
    signal?: AbortSignal,
  ): Promise<void> {
    const subject = `application ${appObjectId}`;
    await this.writes.run(appObjectId, () =>
      updateKeyCredentials(
        {
          read: () => this.readKeyCredentials(appObjectId, signal),
          patch: async (keyCredentials) => {
            await this.http.request<unknown>({
              method: 'PATCH',
              path: `/applications/${encodeURIComponent(appObjectId)}`,
              body: { keyCredentials },
              operation: 'graph.applications.update',
              // Never repeated on its own (only Graph's concurrency refusal, which applied nothing);
              // the read after it says what happened.
              idempotent: false,
              beforeAttempt: async () => {
                await this.pacer.acquire(this.tenantId, signal);
                signal?.throwIfAborted();
              },
              subject,
              fixFor: (code) => this.writeFixFor(code, appObjectId),
            });
          },
        },
        change,
        subject,
      ),
    );
  }

  async listFederatedCredentials(
    appObjectId: string,
    signal?: AbortSignal,
  ): Promise<FederatedCredentialInfo[]> {
    const credentials: FederatedCredentialInfo[] = [];
    let path: string | undefined =
      `/applications/${encodeURIComponent(appObjectId)}/federatedIdentityCredentials`;
    while (path) {
      const response: { body: { value?: unknown; '@odata.nextLink'?: unknown } | undefined } =
        await this.http.request<{ value?: unknown; '@odata.nextLink'?: unknown }>({
          method: 'GET',
          path,
          operation: 'graph.fic.list',
          subject: `application ${appObjectId}`,
          fixFor: (code) => (code === 'graph.forbidden' ? readFix(appObjectId) : undefined),
          signal,
        });
      const value = response.body?.value;
      for (const item of Array.isArray(value) ? value : []) {
        const credential = parseFederatedCredential(item);
        if (credential) credentials.push(credential);
      }
      const next = response.body?.['@odata.nextLink'];
      path = typeof next === 'string' && next ? next : undefined;
    }
    return credentials;
  }

  /**
   * Sends one write that changes the credentials of application `appObjectId` (passwords, the
   * `keyCredentials` PATCH, federated identity credentials): after every earlier credential write
   * on that app has settled (one in flight per app), paced to the tenant's write budget per
   * attempt, under the one retry policy, which repeats Graph's concurrency refusal in all its
   * shapes (see `concurrency-refusal.ts`) even for non-idempotent writes, honouring `Retry-After`.
   * Every Graph credential write of the library goes through here.
   */
  writeCredential<T>(appObjectId: string, request: JsonRequest): Promise<JsonResponse<T>> {
    return this.writes.run(appObjectId, () =>
      this.http.request<T>({
        ...request,
        beforeAttempt: async () => {
          await this.pacer.acquire(this.tenantId, request.signal);
          await request.beforeAttempt?.();
        },
      }),
    );
  }

  /**
   * What a migration needs to know about one application, by appId: its object id, sign-in
   * audience (multitenant apps keep the Azure DevOps issuer) and password metadata. Null when
   * Graph answers 404.
   */
  async applicationForMigration(
    appId: string,
    signal?: AbortSignal,
  ): Promise<{
    objectId: string;
    signInAudience: string | null;
    passwords: PasswordCredentialInfo[];
  } | null> {
    const response = await this.http.request<Record<string, unknown>>({
      method: 'GET',
      path: `/applications(appId='${encodeURIComponent(appId)}')?$select=id,appId,signInAudience,passwordCredentials`,
      operation: 'graph.applications.get',
      acceptStatuses: [404],
      subject: `application ${appId}`,
      fixFor: (code) => (code === 'graph.forbidden' ? readFix(appId) : undefined),
      signal,
    });
    if (response.status === 404) return null;
    const body = response.body ?? {};
    const objectId = typeof body['id'] === 'string' ? body['id'] : null;
    if (!objectId) throw unreadableAnswer(response.status, `application ${appId}`);
    const audience = body['signInAudience'];
    return {
      objectId,
      signInAudience: typeof audience === 'string' ? audience : null,
      passwords: parsePasswordCredentials(body),
    };
  }

  /**
   * Creates a federated identity credential (azure-apis.md §2.4; 201). Not retried blindly: an
   * ambiguous failure is followed by a list (see {@link ensureFederatedCredential}); 409 (the name
   * exists) and 400 (issuer and subject exist) come back as `graph.bad_request`/conflict errors.
   */
  async createFederatedCredential(
    appObjectId: string,
    credential: { name: string; issuer: string; subject: string; audiences: string[]; description: string },
  ): Promise<FederatedCredentialInfo> {
    const subject = `federated credential ${credential.name} of application ${appObjectId}`;
    const response = await this.writeCredential<unknown>(appObjectId, {
      method: 'POST',
      path: `/applications/${encodeURIComponent(appObjectId)}/federatedIdentityCredentials`,
      body: credential,
      operation: 'graph.fic.create',
      idempotent: false,
      subject,
      fixFor: (code) => this.writeFixFor(code, appObjectId),
    });
    const created = parseFederatedCredential(response.body);
    if (!created) throw unreadableAnswer(response.status, subject);
    return created;
  }

  /** Deletes a federated credential by name; resolves also when it was already gone (404). */
  async deleteFederatedCredential(appObjectId: string, name: string): Promise<void> {
    await this.writeCredential<unknown>(appObjectId, {
      method: 'DELETE',
      path: `/applications/${encodeURIComponent(appObjectId)}/federatedIdentityCredentials/${encodeURIComponent(name)}`,
      operation: 'graph.fic.delete',
      acceptStatuses: [404],
      subject: `federated credential ${name} of application ${appObjectId}`,
      fixFor: (code) => this.writeFixFor(code, appObjectId),
    });
  }

  private writeFixFor(code: ErrorCode, appObjectId: string): string | undefined {
    if (code !== 'graph.forbidden') return undefined;
    const known = this.names.get(appObjectId.toLowerCase());
    return writeFix(
      known
        ? `the application "${known.displayName}" (appId ${known.appId})`
        : `the application with object id ${appObjectId}`,
    );
  }

  private batchOptions(signal: AbortSignal | undefined) {
    return { client: this.http, clock: this.options.clock, retry: this.retry, logger: this.logger, signal };
  }

  /** A batched read that still failed after the policy gave up. */
  private itemError(answer: BatchResponse | undefined, appId: string): HttpError {
    const serviceCode = safeCode(graphServiceCode(answer?.body));
    const status = answer?.status ?? 503;
    return httpErrorFor({
      service: 'graph',
      operation: 'graph.applications.get',
      // A 2xx we could not read as an application (a body cut short) is unreadable, not "HTTP 200".
      outcome:
        status < 300
          ? { kind: 'malformed', status }
          : {
              kind: 'status',
              status,
              ...(answer ? { headers: answer.headers } : {}),
              ...(serviceCode === undefined ? {} : { serviceCode }),
            },
      headers: answer?.headers,
      nowMs: this.options.clock.now(),
      subject: `application ${appId}`,
    });
  }
}
