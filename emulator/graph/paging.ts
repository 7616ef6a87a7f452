import type { EmulatorContext } from '../context';
import type { Reply, RequestContext } from '../http/types';
import { graphError } from './errors';
import { decodeSkipToken } from './odata';

/** Graph's largest and default page sizes for directory object lists (GRAPHDOCS `application-list.md`). */
export const MAX_TOP = 999;
export const DEFAULT_TOP = 100;

/** `$top` and `$skiptoken` of a list request, or the 400 Graph answers for bad ones. */
export function readPaging(
  ctx: EmulatorContext,
  req: RequestContext,
): { top: number; offset: number } | Reply {
  const topText = req.query.get('$top');
  const top = topText === null ? DEFAULT_TOP : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
    return graphError(
      req,
      ctx.clock,
      400,
      'Request_BadRequest',
      `Invalid page size specified: '${topText}'. Must be between 1 and ${MAX_TOP} inclusive.`,
    );
  }
  const skipToken = req.query.get('$skiptoken');
  const offset = skipToken === null ? 0 : decodeSkipToken(skipToken);
  if (offset === null) return graphError(req, ctx.clock, 400, 'Request_BadRequest', 'Invalid $skiptoken.');
  return { top, offset };
}

/** Graph's answer to a `$filter` clause it does not support. */
export function unsupportedFilter(ctx: EmulatorContext, req: RequestContext, clause: string): Reply {
  return graphError(
    req,
    ctx.clock,
    400,
    'Request_UnsupportedQuery',
    `Unsupported or invalid query filter clause specified: '${clause}'.`,
  );
}
