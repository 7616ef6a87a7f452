/**
 * Certificates (`keyCredentials`) of applications, read with `$filter=appId in (…)` lists of 15
 * appIds instead of one GET per application.
 *
 * Graph allows 150 requests selecting `keyCredentials` per minute per tenant (azure-apis.md §2.1),
 * and each request inside a `$batch` counts. With one GET per certificate application, an
 * organization with more than about 150 of them was throttled, the policy gave up, and the whole
 * lookup failed: every connection was reported `lookup_failed` (bench/, issue #8, 10,000
 * connections). Lists read 15 applications per request, the most an `in` clause takes by default
 * (GRAPHDOCS `filter-query-parameter.md`), so 200 certificate applications cost 14 requests.
 *
 * Certificates are optional to a report (spec §4: unread ones are `certificate_not_readable`,
 * not action required), so a list that still fails after the retry policy only leaves its
 * applications' certificates unread; it does not fail the lookup.
 */
import type { Logger } from '../logger';
import type { BatchRequest, BatchResponse } from './graph-batch';
import { parseKeyCredential } from './graph-parse';
import type { KeyCredentialInfo } from './types';

/** appIds per list request. */
export const APP_IDS_PER_LIST = 15;

const ID_PREFIX = 'keys-';

/** The list requests reading the certificates of those `appIds` (GUIDs) in `wanted` (lower case). */
export function keyCredentialListRequests(
  candidates: readonly string[],
  wanted: ReadonlySet<string>,
): BatchRequest[] {
  const appIds = candidates.filter((id) => wanted.has(id.toLowerCase()));
  const requests: BatchRequest[] = [];
  for (let i = 0; i < appIds.length; i += APP_IDS_PER_LIST) {
    const filter = `appId in (${appIds
      .slice(i, i + APP_IDS_PER_LIST)
      .map((id) => `'${id}'`)
      .join(',')})`;
    requests.push({
      id: `${ID_PREFIX}${requests.length + 1}`,
      url: `/applications?$filter=${encodeURIComponent(filter)}&$select=appId,keyCredentials&$top=${APP_IDS_PER_LIST}`,
    });
  }
  return requests;
}

/**
 * The certificates each listed application has, by lower-case appId. Applications of a failed
 * list, and applications a list did not return, are absent: their certificates were not read.
 */
export function keyCredentialsFromLists(
  requests: readonly BatchRequest[],
  answers: ReadonlyMap<string, BatchResponse>,
  logger: Logger,
): Map<string, KeyCredentialInfo[]> {
  const keys = new Map<string, KeyCredentialInfo[]>();
  let failed = 0;
  for (const request of requests) {
    const answer = answers.get(request.id);
    const value = (answer?.body as { value?: unknown } | undefined)?.value;
    if (answer?.status !== 200 || !Array.isArray(value)) {
      failed += 1;
      continue;
    }
    for (const item of value) {
      const appId = (item as { appId?: unknown } | null)?.appId;
      if (typeof appId !== 'string') continue;
      const list = (item as { keyCredentials?: unknown }).keyCredentials;
      keys.set(
        appId.toLowerCase(),
        (Array.isArray(list) ? list : []).flatMap((k) => parseKeyCredential(k) ?? []),
      );
    }
  }
  if (failed > 0) {
    logger.warn(
      `Reading certificates failed for ${failed} list(s) of up to ${APP_IDS_PER_LIST} applications; their certificate connections are reported as not readable.`,
    );
  }
  return keys;
}
