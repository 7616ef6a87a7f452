/**
 * One streaming application lookup (issue #13): discovery adds appIds as each project's
 * connections arrive, and their `$batch`ed GETs leave 20 at a time through a
 * {@link BatchPipeline} while Azure DevOps is still listing. Certificate lists (whose `$select`
 * has a small quota, key-credential-lists.ts) are queued at the end, when every certificate
 * connection is known, so they fill the last batches. An appId of a federation connection that no
 * application has (404) is looked up once more among service principals, batched the same way: a managed identity has
 * only a service principal, and its federated credentials are not in Graph (spec §7).
 * Implements discovery's {@link ApplicationLookupSession}.
 */
import type { ApplicationLookupSession, LookupOptions } from '../inventory/ports';
import type { Logger } from '../logger';
import type { BatchPipeline } from './batch-pipeline';
import type { BatchRequest, BatchResponse } from './graph-batch';
import { keyCredentialListRequests, keyCredentialsFromLists } from './key-credential-lists';
import type { ApplicationLookup, KeyCredentialInfo } from './types';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the session needs from the Graph client. */
export interface LookupContext {
  pipeline: BatchPipeline;
  logger: Logger;
  /** The GET of one application by appId, relative to the version root. */
  applicationUrl: (appId: string) => string;
  /** The GET of one service principal by appId (for appIds no application has). */
  servicePrincipalUrl?: (appId: string) => string;
  /**
   * Turns an application GET's final answer (and its certificates, if read; and, after a 404,
   * the service principal GET's answer) into a lookup.
   */
  interpret: (
    appId: string,
    answer: BatchResponse | undefined,
    keys: KeyCredentialInfo[] | undefined,
    servicePrincipal?: BatchResponse,
  ) => ApplicationLookup;
  /** The tenant's disabled service principals (appIds, lower case), or null when that failed. */
  listDisabled?: () => Promise<ReadonlySet<string> | null>;
}

/** See the file comment. */
export class StreamingApplicationLookup implements ApplicationLookupSession {
  /** By appId as first given: the answer of its GET (a promise that never rejects). */
  private readonly reads = new Map<string, Promise<BatchResponse | undefined>>();
  private readonly notGuid = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly wantsKeys = new Set<string>();
  private readonly federated = new Set<string>();
  private failure: unknown;
  private disabled: Promise<ReadonlySet<string> | null> | undefined;
  /** By appId: the lookup {@link answered} made of its GET alone. */
  private readonly early = new Map<string, Promise<ApplicationLookup>>();

  constructor(private readonly ctx: LookupContext) {}

  answered(appId: string): Promise<ApplicationLookup> | undefined {
    const known = this.early.get(appId);
    if (known) return known;
    const read = this.reads.get(appId);
    if (!read) return this.notGuid.has(appId) ? Promise.resolve({ kind: 'not_found' }) : undefined;
    // Interpreted once however many connections share the app; `finish` reuses it.
    const lookup = read.then((answer) => this.ctx.interpret(appId, answer, undefined));
    this.early.set(appId, lookup);
    return lookup;
  }

  disabledServicePrincipals(): Promise<ReadonlySet<string> | null> {
    const list = this.ctx.listDisabled;
    if (!this.disabled) {
      this.disabled = list ? list() : Promise.resolve(null);
      // Only a cancellation rejects, and a discovery that found no app never awaits it.
      this.disabled.catch(() => {});
    }
    return this.disabled;
  }

  add(appIds: readonly string[], options: LookupOptions = {}): void {
    for (const id of options.withKeyCredentials ?? []) this.wantsKeys.add(id.toLowerCase());
    for (const id of options.federated ?? []) this.federated.add(id.toLowerCase());
    for (const appId of appIds) {
      const key = appId.toLowerCase();
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      // An appId that is not a GUID cannot name an application: Graph would answer 400.
      if (!GUID.test(appId)) {
        this.notGuid.add(appId);
        continue;
      }
      this.reads.set(appId, this.read(this.ctx.applicationUrl(appId)));
    }
  }

  async finish(): Promise<Map<string, ApplicationLookup>> {
    const candidates = [...this.reads.keys()];
    const lists: BatchRequest[] = keyCredentialListRequests(candidates, this.wantsKeys);
    const listAnswers = lists.map((list) => this.read(list.url));
    await this.ctx.pipeline.flush();
    // A batch that failed after the retry policy gave up fails the lookup, as one call did before.
    if (this.failure !== undefined) throw this.failure;
    const answers = new Map<string, BatchResponse>();
    const listed = await Promise.all(listAnswers);
    lists.forEach((list, i) => {
      const answer = listed[i];
      if (answer) answers.set(list.id, answer);
    });
    const keys = keyCredentialsFromLists(lists, answers, this.ctx.logger);
    const principals = await this.servicePrincipalsOfMissing();
    const result = new Map<string, ApplicationLookup>();
    for (const appId of this.notGuid) result.set(appId, { kind: 'not_found' });
    for (const [appId, read] of this.reads) {
      const principal = principals.get(appId);
      const appKeys = keys.get(appId.toLowerCase());
      const early = principal || appKeys ? undefined : this.early.get(appId);
      result.set(
        appId,
        early
          ? await early
          : principal
            ? this.ctx.interpret(appId, await read, appKeys, principal)
            : this.ctx.interpret(appId, await read, appKeys),
      );
    }
    return result;
  }

  /** The service principal GETs of the federated appIds whose application GET answered 404. */
  private async servicePrincipalsOfMissing(): Promise<Map<string, BatchResponse>> {
    const principals = new Map<string, BatchResponse>();
    const url = this.ctx.servicePrincipalUrl;
    if (!url) return principals;
    const missing: string[] = [];
    for (const [appId, read] of this.reads) {
      if (this.federated.has(appId.toLowerCase()) && (await read)?.status === 404) missing.push(appId);
    }
    if (missing.length === 0) return principals;
    const reads = missing.map((appId) => this.read(url(appId)));
    await this.ctx.pipeline.flush();
    const answers = await Promise.all(reads);
    missing.forEach((appId, i) => {
      const answer = answers[i];
      if (answer) principals.set(appId, answer);
    });
    return principals;
  }

  /** Queues a GET; a failed batch is remembered for `finish` instead of rejecting unobserved. */
  private read(url: string): Promise<BatchResponse | undefined> {
    return this.ctx.pipeline.get(url).catch((error: unknown) => {
      this.failure ??= error;
      return undefined;
    });
  }
}
