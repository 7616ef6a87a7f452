/**
 * The latency lower bound of discovery: the round trips that must happen one after another, given
 * the organization's shape and `maxParallel`, each costing the injected latency. Processing time
 * on either side is left out on purpose; the measured/bound ratio is what it costs.
 *
 * Counted, in the order the library depends on them:
 * - node-api route discovery before the first project page: `OPTIONS _apis/Location`,
 *   `GET _apis/ResourceAreas`, `OPTIONS _apis/core` (3 rounds, in sequence);
 * - project pages, in sequence: floor(projects / 100) + 1 (paging stops at a short page, so a
 *   multiple of 100 costs one empty page more);
 * - `OPTIONS _apis/serviceendpoint` before the first connection list (1 round);
 * - connection lists, one per project, in waves of `maxParallel`;
 * - the rotator's Graph token, requested on the first Graph call: msal's OpenID metadata, the
 *   Azure DevOps OIDC token, the Entra token (3 rounds, in sequence);
 * - application `$batch`es of 20 appIds, in waves of `maxParallel`;
 * - the listing of the tenant's disabled service principals (when any app was found), after the
 *   lookups: one page per 999, pages in sequence (each `@odata.nextLink` comes with the page
 *   before), at least one page even when none is disabled;
 * - the attribution checks (issue #14): one TestConnection per connection beside an expired
 *   secret, in waves of `maxParallel`. Discovery starts each as soon as its app is read, among
 *   the lists, but they share the Azure DevOps limiter with the lists, which keep it full until
 *   the last list, so overlapping them changes the order of the requests, not the rounds.
 */
import type { OrgShape } from './org-shape';

/** Most requests Graph takes in one `$batch`. */
const BATCH = 20;
/** Service principals per listing page (the library's `$top`). */
const SP_PAGE = 999;
/** Projects per page (the library's `projectPageSize` default). */
const PAGE = 100;

export interface LowerBound {
  /** Sequential rounds per phase. */
  rounds: Record<
    | 'routeDiscovery'
    | 'projectPages'
    | 'endpointRoutes'
    | 'connectionLists'
    | 'graphToken'
    | 'appBatches'
    | 'spPages'
    | 'attributionChecks',
    number
  >;
  totalRounds: number;
  latencyMs: number;
  boundMs: number;
  /** Graph read requests the library needs at least: application batches and listing pages. */
  graphReads: number;
}

export function discoveryLowerBound(shape: OrgShape, latencyMs: number, maxParallel: number): LowerBound {
  const waves = (requests: number) => Math.ceil(requests / maxParallel);
  const appBatches = Math.ceil(shape.appsLookedUp / BATCH);
  const spPages = shape.appsFound > 0 ? Math.max(1, Math.ceil(shape.disabledServicePrincipals / SP_PAGE)) : 0;
  const rounds = {
    routeDiscovery: 3,
    projectPages: Math.floor(shape.projects / PAGE) + 1,
    endpointRoutes: 1,
    connectionLists: waves(shape.projects),
    graphToken: 3,
    appBatches: waves(appBatches),
    spPages,
    attributionChecks: waves(shape.attributionChecks),
  };
  const totalRounds = Object.values(rounds).reduce((a, b) => a + b, 0);
  return {
    rounds,
    totalRounds,
    latencyMs,
    boundMs: totalRounds * latencyMs,
    graphReads: appBatches + spPages,
  };
}

/**
 * Requests the naive script sends for an organization: the Graph token (OIDC token, Entra token),
 * every project page, one list per project, one Graph GET per listed service-principal connection
 * and, with `verifyAttribution` (its default, as the report's), its TestConnections.
 */
export function naiveRequestCount(shape: OrgShape, verifyAttribution = true): number {
  const reads = 2 + Math.floor(shape.projects / PAGE) + 1 + shape.projects + shape.naiveGraphGets;
  return reads + (verifyAttribution ? shape.naiveAttributionChecks : 0);
}

/**
 * The latency bound of pipelined discovery (issue #13): Graph batches leave while the connection
 * lists still arrive, so the application batches overlap the lists instead of following them.
 *
 * - Before the first list: route discovery (3), project pages, the service endpoint route (1).
 * - Then two tracks run side by side and the slower one counts:
 *   lists: the list waves, plus one round for the last batch (it can only leave after the last
 *   list has named its apps);
 *   Graph: one list wave before the first apps are known, the rotator's Graph token (3), then the
 *   application batches in waves of `maxParallel`.
 * - Then the disabled service principal listing, pages in sequence, and the attribution checks'
 *   waves (see {@link discoveryLowerBound}).
 */
export interface PipelinedBound {
  rounds: {
    beforeLists: number;
    listTrack: number;
    graphTrack: number;
    spPages: number;
    attributionChecks: number;
  };
  totalRounds: number;
  boundMs: number;
  /** One line showing the arithmetic, printed with the table. */
  derivation: string;
}

export function pipelinedDiscoveryBound(
  shape: OrgShape,
  latencyMs: number,
  maxParallel: number,
): PipelinedBound {
  const serial = discoveryLowerBound(shape, latencyMs, maxParallel);
  const r = serial.rounds;
  const beforeLists = r.routeDiscovery + r.projectPages + r.endpointRoutes;
  const listTrack = r.connectionLists + (r.appBatches > 0 ? 1 : 0);
  const graphTrack = r.appBatches > 0 ? 1 + r.graphToken + r.appBatches : 0;
  const totalRounds = beforeLists + Math.max(listTrack, graphTrack) + r.spPages + r.attributionChecks;
  const derivation =
    `(${r.routeDiscovery} routes + ${r.projectPages} project pages + ${r.endpointRoutes} endpoint route) + ` +
    `max(${r.connectionLists} list waves + 1 last batch, 1 list wave + ${r.graphToken} token + ${r.appBatches} batch waves) + ` +
    `${r.spPages} SP page(s) + ${r.attributionChecks} TestConnection wave(s) = ${totalRounds} rounds × ${latencyMs} ms`;
  return {
    rounds: {
      beforeLists,
      listTrack,
      graphTrack,
      spPages: r.spPages,
      attributionChecks: r.attributionChecks,
    },
    totalRounds,
    boundMs: totalRounds * latencyMs,
    derivation,
  };
}
