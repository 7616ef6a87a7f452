/**
 * Discovery (the read half): projects → AzureRM connections → applications → reports.
 *
 * Cost does not grow with connections × round-trips (spec §6): one connection list per project,
 * run with at most `maxParallel` in flight; one application lookup per distinct appId (the adapter
 * batches them); one service principal query for the apps found.
 *
 * Pipelined (issue #13): when the application source can stream (`openLookup`), each project's
 * appIds are handed to it as that project's list arrives, so Graph batches leave while Azure
 * DevOps is still listing instead of after the last list.
 */
import pLimit from 'p-limit';
import type { Clock } from '../clock';
import { mergeByConnectionId } from '../devops/service-connection';
import type { ProjectInfo, ServiceConnection } from '../devops/types';
import { RotatorError } from '../errors';
import {
  findDanglingCredentials,
  organizationIdFromConnections,
  organizationNameOf,
} from '../federation/dangling';
import type { ApplicationInfo, ApplicationLookup } from '../graph/types';
import { type Logger, silentLogger } from '../logger';
import { AttributionChecks } from './check-attributions';
import { confirmDangling } from './confirm-dangling';
import { evaluateConnection, needsApplicationLookup } from './evaluate';
import { parseTime } from './expiry';
import { matchesAnyName, type NameFilter } from './name-filter';
import type { ApplicationLookupSession, ApplicationSource, ConnectionSource } from './ports';
import { type ProjectFilter, selectProjects } from './project-filter';
import { applicationKey, type Inventory, type Thresholds } from './types';

/**
 * Report order: by name, case- and accent-insensitively. One collator for the whole sort:
 * `localeCompare` with a locale and options builds a new collator on every call, which made
 * sorting 10,000 reports take over a second (bench/, issue #8).
 */
const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base' });

/** Where discovery is, for progress reporting (`##vso[task.setprogress]`). */
export interface DiscoveryProgress {
  phase: 'projects' | 'connections' | 'applications';
  done: number;
  total: number;
}

/** What {@link discover} needs. */
export interface DiscoverOptions {
  /** The organization URL, copied into the inventory. */
  organizationUrl: string;
  connectionSource: ConnectionSource;
  /** Bound to the rotator's tenant. */
  applicationSource: ApplicationSource;
  /** Parsed `projects` input. */
  projects: ProjectFilter;
  /** Parsed `connections` input. */
  connections: NameFilter;
  thresholds: Thresholds;
  /** The tenant the rotator signs in to; connections of other tenants are reported, not read. */
  rotatorTenantId: string;
  clock: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** Connection lists in flight at once. @default 8 */
  maxParallel?: number;
  signal?: AbortSignal;
  /** Called as each phase advances. */
  onProgress?: (progress: DiscoveryProgress) => void;
  /**
   * TestConnection of the stored details where an inferred attribution can be wrong (an app that
   * also holds an expired secret; issue #14). Off: the inference stands unverified, no request.
   * @default true
   */
  verifyAttribution?: boolean;
  /**
   * The organization's GUID, for dangling federated credentials (spec §7), when no WIF connection
   * in scope shows it. Called at most once, and only when an app has federated credentials.
   */
  organizationId?: () => Promise<string>;
}

/**
 * Finds and evaluates the AzureRM connections in scope.
 *
 * @throws RotatorError `config.invalid_input` naming every requested project that does not exist,
 *   before any connection is listed. A failed connection list fails discovery (the error says
 *   which request failed; the log names the project): a partial inventory would silently leave
 *   connections unwatched.
 */
export async function discover(options: DiscoverOptions): Promise<Inventory> {
  const log = options.logger ?? silentLogger;
  const { signal } = options;
  const progress = (phase: DiscoveryProgress['phase'], done: number, total: number) =>
    options.onProgress?.({ phase, done, total });
  const nowMs = options.clock.now();

  progress('projects', 0, 1);
  const all = await options.connectionSource.listProjects(signal);
  progress('projects', 1, 1);
  const { selected, unknown } = selectProjects(all, options.projects);
  if (unknown.length > 0) {
    throw new RotatorError(
      'config.invalid_input',
      `The "projects" input names ${unknown.length === 1 ? 'a project' : 'projects'} not found in ${options.organizationUrl}: ${unknown.map((n) => `"${n}"`).join(', ')}.`,
      {
        fix: 'Check the spelling (case does not matter), or use "*" for every project; the identity calling Azure DevOps must be able to see the project.',
      },
    );
  }
  log.info(`Listing AzureRM service connections in ${selected.length} project(s).`);

  const session = options.applicationSource.openLookup?.(signal);
  // Issue #14 §4: where inference can be wrong (an expired password beside the valid one), ask.
  const checks = new AttributionChecks({
    enabled: options.verifyAttribution ?? true,
    source: options.connectionSource,
    rotatorTenantId: options.rotatorTenantId,
    nowMs,
    logger: log,
    ...(options.maxParallel === undefined ? {} : { maxParallel: options.maxParallel }),
    ...(signal ? { signal } : {}),
  });
  try {
    return await discoverInProjects(options, all, selected, session, checks, log, progress, nowMs);
  } finally {
    checks.dispose();
  }
}

async function discoverInProjects(
  options: DiscoverOptions,
  all: readonly ProjectInfo[],
  selected: ProjectInfo[],
  session: ApplicationLookupSession | undefined,
  checks: AttributionChecks,
  log: Logger,
  progress: (phase: DiscoveryProgress['phase'], done: number, total: number) => void,
  nowMs: number,
): Promise<Inventory> {
  const lists = await listConnections(
    options,
    selected,
    log,
    (done) => progress('connections', done, selected.length),
    session
      ? (list) => {
          const inScope = inScopeOf(list, options);
          addLookups(session, inScope, options);
          checkEarly(session, checks, inScope, options, nowMs);
        }
      : undefined,
  );
  // A connection shared into several projects is listed in each with the same id: merge them.
  const azureRm = lists.flat().filter((c) => c.type.toLowerCase() === 'azurerm');
  const inScope = mergeByConnectionId(azureRm).filter((c) =>
    matchesAnyName(options.connections, [c.name, ...c.projects.map((p) => p.connectionName)]),
  );
  log.info(`${inScope.length} AzureRM service connection(s) in scope.`);

  const { lookups, enabled } = await readApplications(options, inScope, log, progress, session);
  const applications: Record<string, ApplicationInfo> = {};
  for (const lookup of lookups.values()) {
    if (lookup.kind === 'found') {
      applications[applicationKey(options.rotatorTenantId, lookup.app.appId)] = lookup.app;
    }
  }
  const evaluated = inScope
    .map((c) => {
      const appId = c.appId?.toLowerCase();
      const lookup = appId === undefined ? undefined : lookups.get(appId);
      const spEnabled = appId === undefined ? undefined : enabled.get(appId);
      return evaluateConnection(c, lookup, spEnabled, options.thresholds, options.rotatorTenantId, nowMs);
    })
    .sort((a, b) => NAME_ORDER.compare(a.name, b.name) || a.id.localeCompare(b.id));
  const connections = await checks.apply(evaluated, applications);
  const danglingCredentials = await danglingOf(
    options,
    all.length === selected.length,
    selected,
    azureRm,
    inScope,
    applications,
    log,
  );

  return {
    organizationUrl: options.organizationUrl,
    evaluatedAt: new Date(nowMs).toISOString(),
    thresholds: options.thresholds,
    projects: selected,
    connections,
    applications,
    danglingCredentials,
  };
}

/** The dangling federated credentials on the apps read (see lib/federation/dangling.ts). */
async function danglingOf(
  options: DiscoverOptions,
  allProjects: boolean,
  projects: readonly ProjectInfo[],
  listed: readonly ServiceConnection[],
  inScope: readonly ServiceConnection[],
  applications: Record<string, ApplicationInfo>,
  log: Logger,
) {
  const apps = Object.values(applications);
  if (!apps.some((app) => app.federatedCredentials?.some((f) => !f.flexible))) return [];
  let organizationId = organizationIdFromConnections(inScope);
  if (organizationId === null && options.organizationId) {
    try {
      organizationId = await options.organizationId();
    } catch (error) {
      options.signal?.throwIfAborted();
      log.warn(
        `Reading the organization id failed, so only sc:// subjects are checked for dangling federated credentials: ${describe(error)}`,
      );
    }
  }
  const candidates = findDanglingCredentials({
    organizationName: organizationNameOf(options.organizationUrl),
    organizationId,
    projectNames: projects.map((p) => p.name),
    allProjects,
    connections: mergeByConnectionId(listed),
    applications: apps,
  });
  // They name no AzureRM connection; another kind of connection may still use them.
  return confirmDangling(candidates, {
    source: options.connectionSource,
    projects,
    logger: log,
    ...(options.maxParallel === undefined ? {} : { maxParallel: options.maxParallel }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

async function listConnections(
  options: DiscoverOptions,
  projects: readonly ProjectInfo[],
  log: Logger,
  onDone: (done: number) => void,
  onList?: (list: readonly ServiceConnection[]) => void,
): Promise<ServiceConnection[][]> {
  const limit = pLimit(Math.max(1, options.maxParallel ?? 8));
  let done = 0;
  onDone(0);
  try {
    return await Promise.all(
      projects.map((project) =>
        limit(async () => {
          options.signal?.throwIfAborted();
          try {
            const list = await options.connectionSource.listAzureRmConnections(project, options.signal);
            onList?.(list);
            done += 1;
            onDone(done);
            return list;
          } catch (error) {
            log.error(`Listing the service connections of project "${project.name}" failed.`);
            throw error;
          }
        }),
      ),
    );
  } finally {
    limit.clearQueue();
  }
}

/** The appIds one project's connections in scope ({@link inScopeOf}) add to a streaming lookup. */
function addLookups(
  session: ApplicationLookupSession,
  inScope: readonly ServiceConnection[],
  options: DiscoverOptions,
): void {
  const { appIds, withKeyCredentials, federated } = lookupsOf(inScope, options.rotatorTenantId);
  if (appIds.size === 0) return;
  session.add([...appIds], { withKeyCredentials, federated });
  // One listing for the whole tenant, needed once the apps are read: start it with the first.
  void session.disabledServicePrincipals?.();
}

function holdsExpiredPassword(app: ApplicationInfo, nowMs: number): boolean {
  return app.passwordCredentials.some((p) => {
    const endMs = parseTime(p.endDateTime);
    return endMs !== null && endMs < nowMs;
  });
}

/**
 * The AzureRM connections of one project's list that the `connections` filter keeps. A connection
 * is in scope when any of its names matches (`matchesAnyName` over the merged names), and every
 * name is in the list of the project it is shared into, so checking each list's names finds
 * exactly the connections the merged filter keeps.
 */
function inScopeOf(list: readonly ServiceConnection[], options: DiscoverOptions): ServiceConnection[] {
  return list.filter(
    (c) =>
      c.type.toLowerCase() === 'azurerm' &&
      matchesAnyName(options.connections, [c.name, ...c.projects.map((p) => p.connectionName)]),
  );
}

/**
 * Starts the attribution checks one project's list allows before the other lists arrive (issue
 * #13): each client-secret connection of `inScope` is evaluated as soon as its app's GET has answered
 * and the disabled service principals are known, exactly as it will be after the last list (its
 * own list holds all that decides it), and offered to the checks, which start the ones it needs.
 */
function checkEarly(
  session: ApplicationLookupSession,
  checks: AttributionChecks,
  inScope: readonly ServiceConnection[],
  options: DiscoverOptions,
  nowMs: number,
): void {
  const answered = session.answered?.bind(session);
  const disabledOf = session.disabledServicePrincipals?.bind(session);
  if (!answered || !disabledOf || !checks.active) return;
  for (const c of inScope) {
    if (c.appId === null || c.scheme.toLowerCase() !== 'serviceprincipal') continue;
    if (c.authenticationType === 'spnCertificate') continue;
    const appId = c.appId.toLowerCase();
    const lookup = answered(appId);
    if (!lookup) continue;
    checks.offerLater(
      Promise.all([lookup, disabledOf()]).then(([read, disabled]) =>
        // Only an app holding an expired password can make a check needed: skip the rest cheaply.
        read.kind === 'found' && holdsExpiredPassword(read.app, nowMs)
          ? {
              report: evaluateConnection(
                c,
                read,
                disabled?.has(appId) ? false : null,
                options.thresholds,
                options.rotatorTenantId,
                nowMs,
              ),
              app: read.app,
            }
          : null,
      ),
    );
  }
}

/**
 * The appIds `connections` need looked up, lower case, which of them need certificates, and
 * which are behind workload identity federation connections (possibly managed identities).
 */
function lookupsOf(
  connections: readonly ServiceConnection[],
  rotatorTenantId: string,
): { appIds: Set<string>; withKeyCredentials: Set<string>; federated: Set<string> } {
  const appIds = new Set<string>();
  const withKeyCredentials = new Set<string>();
  const federated = new Set<string>();
  for (const c of connections) {
    if (c.appId === null || !needsApplicationLookup(c, rotatorTenantId)) continue;
    const appId = c.appId.toLowerCase();
    appIds.add(appId);
    if (c.authenticationType === 'spnCertificate') withKeyCredentials.add(appId);
    if (c.scheme === 'WorkloadIdentityFederation') federated.add(appId);
  }
  return { appIds, withKeyCredentials, federated };
}

async function readApplications(
  options: DiscoverOptions,
  connections: readonly ServiceConnection[],
  log: Logger,
  progress: (phase: 'applications', done: number, total: number) => void,
  session: ApplicationLookupSession | undefined,
): Promise<{ lookups: Map<string, ApplicationLookup>; enabled: Map<string, boolean | null> }> {
  const { appIds, withKeyCredentials, federated } = lookupsOf(connections, options.rotatorTenantId);
  const ids = [...appIds];
  progress('applications', 0, ids.length);
  if (ids.length === 0) return { lookups: new Map(), enabled: new Map() };

  let lookups = new Map<string, ApplicationLookup>();
  try {
    const read = session
      ? await session.finish()
      : await options.applicationSource.lookupApplications(ids, {
          withKeyCredentials,
          federated,
          ...(options.signal ? { signal: options.signal } : {}),
        });
    lookups = lowerKeys(read);
  } catch (error) {
    options.signal?.throwIfAborted();
    // Every connection behind these apps is reported `lookup_failed`, saying why; the others still
    // are evaluated.
    log.warn(`Looking up ${ids.length} application(s) in Microsoft Graph failed: ${describe(error)}`);
    const message = error instanceof Error ? error.message : String(error);
    lookups = new Map(ids.map((id): [string, ApplicationLookup] => [id, { kind: 'failed', message }]));
  }
  const found = ids.filter((id) => lookups.get(id)?.kind === 'found');
  let enabled = new Map<string, boolean | null>();
  const disabledOf = session?.disabledServicePrincipals?.bind(session);
  if (found.length > 0 && disabledOf) {
    const disabled = await disabledOf();
    enabled = new Map(found.map((id) => [id, disabled?.has(id) ? false : null]));
  } else if (found.length > 0) {
    try {
      enabled = lowerKeys(await options.applicationSource.servicePrincipalsEnabled(found, options.signal));
    } catch (error) {
      options.signal?.throwIfAborted();
      log.warn(`Reading the service principals of ${found.length} application(s) failed: ${describe(error)}`);
    }
  }
  progress('applications', ids.length, ids.length);
  return { lookups, enabled };
}

function lowerKeys<V>(map: Map<string, V>): Map<string, V> {
  return new Map([...map].map(([key, value]) => [key.toLowerCase(), value]));
}

function describe(error: unknown): string {
  if (error instanceof RotatorError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
