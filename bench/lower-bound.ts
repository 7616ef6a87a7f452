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
 *   before), at least one page even when none is disabled.
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
    | 'spPages',
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
 * every project page, one list per project, one Graph GET per listed service-principal connection.
 */
export function naiveRequestCount(shape: OrgShape): number {
  return 2 + Math.floor(shape.projects / PAGE) + 1 + shape.projects + shape.naiveGraphGets;
}
