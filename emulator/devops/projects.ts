import type { EmulatorContext } from '../context';
import { json, type Reply, type RequestContext } from '../http/types';
import type { Project } from '../state/model';
import { admit } from './auth';
import { badRequest } from './errors';
import { LOCATIONS } from './locations';

const DEFAULT_TOP = 100;

function nonNegativeInteger(value: string | null): number | null | undefined {
  if (value === null) return undefined;
  return /^\d+$/.test(value) ? Number(value) : null;
}

function projectView(ctx: EmulatorContext, p: Project): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: p.id,
    name: p.name,
    url: `${ctx.urls.organization}_apis/projects/${p.id}`,
    state: p.state,
    revision: 1,
    visibility: p.visibility,
    lastUpdateTime: p.lastUpdateTime.toISOString(),
  };
  if (p.description !== null) view['description'] = p.description;
  return view;
}

/**
 * `GET {org}/_apis/projects` (SPEC `core/7.1/core.json` `Projects_List`, azure-apis.md §1.11):
 * `$top` (default 100), `$skip`, an integer `continuationToken` (how many were already fetched),
 * `stateFilter` (default `wellFormed`; `all` is everything but deleted). The next token travels in
 * the `x-ms-continuationtoken` response header, not in the body.
 */
export function listProjects(ctx: EmulatorContext, req: RequestContext): Reply {
  const admitted = admit(ctx, req, LOCATIONS.projects);
  if ('status' in admitted) return admitted;
  const top = nonNegativeInteger(req.query.get('$top'));
  const skip = nonNegativeInteger(req.query.get('$skip'));
  const token = nonNegativeInteger(req.query.get('continuationToken'));
  if (top === null) return badRequest(`The value '${req.query.get('$top')}' is not valid for $top.`);
  if (skip === null) return badRequest(`The value '${req.query.get('$skip')}' is not valid for $skip.`);
  if (token === null)
    return badRequest(
      `The value '${req.query.get('continuationToken')}' is not valid for continuationToken.`,
    );
  const stateFilter = (req.query.get('stateFilter') ?? 'wellFormed').toLowerCase();
  const states = ['deleting', 'new', 'wellformed', 'createpending', 'all', 'unchanged', 'deleted'];
  if (!states.includes(stateFilter))
    return badRequest(`The value '${req.query.get('stateFilter')}' is not valid for stateFilter.`);
  const all = ctx.store.allProjects();
  const matching =
    stateFilter === 'all'
      ? all.filter((p) => p.state !== 'deleted')
      : all.filter((p) => p.state.toLowerCase() === stateFilter);
  const start = (token ?? 0) + (skip ?? 0);
  const size = top ?? DEFAULT_TOP;
  const page = matching.slice(start, start + size);
  const headers: Record<string, string> = {};
  if (start + page.length < matching.length) headers['x-ms-continuationtoken'] = String(start + page.length);
  return json(200, { count: page.length, value: page.map((p) => projectView(ctx, p)) }, headers);
}
