/**
 * Checks around the switching PUT: the connection must still be what the plan was made for, and
 * a failed PUT must be told apart from one that may have landed.
 */
import type { EndpointDocument } from '../devops/types';
import { HttpError, RotatorError } from '../errors';
import type { PlanEntry } from './planner';
import { effectiveCreationMode, parameterOf } from './switch-document';

/**
 * Throws unless `current` is still the connection `entry` was planned for: it exists, signs in
 * with the planned kind of credential (secret or certificate) of the same app in the same tenant, is ready and enabled, and is not Automatic
 * unless the plan takes it over. The plan may be minutes old; a connection changed meanwhile is
 * left for the next run to plan again.
 */
export function assertStillAsPlanned(
  current: EndpointDocument | null,
  entry: PlanEntry,
): asserts current is EndpointDocument {
  const changed = (what: string) =>
    new RotatorError('rotation.connection_changed', `The connection changed since discovery: ${what}.`, {
      fix: 'Run the task again to plan with the current state.',
    });
  if (!current) throw new RotatorError('devops.not_found', 'The connection no longer exists.');
  const scheme = current.authorization?.scheme ?? '';
  if (scheme.toLowerCase() !== 'serviceprincipal') throw changed(`its scheme is now ${scheme}`);
  // Absent means a secret (the service's default, azure-apis.md §1.5).
  const authType = parameterOf(current, 'authenticationType') || 'spnKey';
  const planned = entry.credentialKind === 'certificate' ? 'spncertificate' : 'spnkey';
  if (authType.toLowerCase() !== planned) throw changed(`it now signs in with ${authType}`);
  const sameId = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  if (
    !sameId(parameterOf(current, 'serviceprincipalid'), entry.appId) ||
    !sameId(parameterOf(current, 'tenantid'), entry.tenantId)
  ) {
    throw changed('it now points to another application or tenant');
  }
  if (effectiveCreationMode(current) === 'Automatic' && !entry.takeOver) {
    throw changed('it is now an Automatic connection');
  }
  if (current.isReady === false) throw changed('it is not ready');
  if (current['isDisabled'] === true) throw changed('it is disabled');
}

/**
 * True when a failed write may still have been applied: no HTTP answer, a timeout (408), a 5xx,
 * an answer that could not be read (whatever its status), or an error that is not one of ours.
 * Any other 4xx means the service refused it.
 */
export function mayHaveLanded(error: unknown): boolean {
  if (error instanceof HttpError) {
    // The proxy failed before the tunnel stood: not one byte of the request was sent.
    if (error.code === 'http.proxy_failed') return false;
    return (
      error.status === 0 ||
      error.status === 408 ||
      error.status >= 500 ||
      error.code === 'http.timeout' ||
      error.code === 'http.malformed_response'
    );
  }
  if (error instanceof RotatorError) {
    return [
      'http.network',
      'http.timeout',
      'http.unavailable',
      'http.malformed_response',
      'internal',
    ].includes(error.code);
  }
  return true;
}
