/**
 * One connection's report: attribution, expiry and status, or the reason it could not be
 * evaluated (spec §4). Pure: a function of what discovery read and "now".
 */
import type { ServiceConnection } from '../devops/types';
import type { ApplicationLookup } from '../graph/types';
import { parseRecord } from '../rotation/record';
import { type AttributionResult, attributeCertificate, attributeSecret } from './attribution';
import { daysLeft, expiryStatus } from './expiry';
import { type ProblemContext, problem } from './problems';
import type { ConnectionReport, Problem, Thresholds } from './types';

/** Schemes that hold no secret (spec §4): always `ok`, noted as secretless. */
const SECRETLESS_SCHEMES = new Set(['workloadidentityfederation', 'managedserviceidentity']);

/** True when connections of `scheme` hold no secret that could expire. */
export function isSecretlessScheme(scheme: string): boolean {
  return SECRETLESS_SCHEMES.has(scheme.toLowerCase());
}

/** True when the connection is a service principal that the rotator can evaluate in its tenant. */
export function needsApplicationLookup(connection: ServiceConnection, rotatorTenantId: string): boolean {
  return (
    connection.scheme.toLowerCase() === 'serviceprincipal' &&
    connection.appId !== null &&
    connection.tenantId !== null &&
    sameId(connection.tenantId, rotatorTenantId)
  );
}

/**
 * Evaluates one connection.
 *
 * - Secretless schemes: `ok`, `secretless: true`, no lookup needed.
 * - Other schemes than ServicePrincipal: `unknown`, `unsupported_scheme` (not action required).
 * - No tenant or app id: `no_app_reference`; another tenant than the rotator's: `other_tenant`.
 * - `lookup` missing or failed: `lookup_failed`; not found: `app_not_found`; 403: `app_not_readable`. All
 *   `unknown` and action required.
 * - Secret connections: attributed with {@link attributeSecret}. No password or the recorded one
 *   gone: status `expired` with the problem (the stored secret cannot work; rotation is due).
 * - Certificate connections (`spnCertificate`): attributed with {@link attributeCertificate};
 *   certificates not read: `unknown`, `certificate_not_readable`, NOT action required (reading
 *   them is throttled and optional; the report says to check them by hand).
 * - A disabled service principal (`spEnabled === false`): the status is still computed, and the
 *   problem `service_principal_disabled` (action required) replaces any other.
 *
 * @param lookup the app as looked up in the rotator's tenant; undefined when it was not read.
 * @param spEnabled `accountEnabled` of the app's service principal; null/undefined when unknown.
 * @param nowMs "now" in epoch milliseconds.
 */
export function evaluateConnection(
  connection: ServiceConnection,
  lookup: ApplicationLookup | undefined,
  spEnabled: boolean | null | undefined,
  thresholds: Thresholds,
  rotatorTenantId: string,
  nowMs: number,
): ConnectionReport {
  const record = parseRecord(connection.description);
  const report: ConnectionReport = {
    id: connection.id,
    name: connection.name,
    projects: connection.projects,
    scheme: connection.scheme,
    authenticationType: connection.authenticationType,
    creationMode: connection.creationMode,
    tenantId: connection.tenantId,
    appId: connection.appId,
    isReady: connection.isReady,
    isDisabled: connection.isDisabled,
    ...(connection.revertSchemeDeadline ? { revertSchemeDeadline: connection.revertSchemeDeadline } : {}),
    app: null,
    secretless: false,
    credential: null,
    record,
    status: 'unknown',
    daysLeft: null,
    expiresAt: null,
    problem: null,
  };
  const ctx: ProblemContext = {
    connectionName: connection.name,
    appId: connection.appId,
    tenantId: connection.tenantId,
    rotatorTenantId,
    scheme: connection.scheme,
  };
  const fail = (code: Problem['code'], detail?: string): ConnectionReport => ({
    ...report,
    problem: problem(code, detail === undefined ? ctx : { ...ctx, detail }),
  });

  if (isSecretlessScheme(connection.scheme)) return { ...report, secretless: true, status: 'ok' };
  if (connection.scheme.toLowerCase() !== 'serviceprincipal') return fail('unsupported_scheme');
  if (!connection.tenantId || !connection.appId) return fail('no_app_reference');
  if (!sameId(connection.tenantId, rotatorTenantId)) return fail('other_tenant');
  if (lookup === undefined) return fail('lookup_failed');
  if (lookup.kind === 'not_found') return fail('app_not_found');
  if (lookup.kind === 'forbidden') return fail('app_not_readable', lookup.message);
  if (lookup.kind === 'failed') return fail('lookup_failed', lookup.message);

  const app = lookup.app;
  const found: ConnectionReport = {
    ...report,
    app: { objectId: app.objectId, displayName: app.displayName },
  };
  let attributed: AttributionResult;
  if (connection.authenticationType === 'spnCertificate') {
    if (!app.keyCredentials) {
      return { ...found, problem: problem('certificate_not_readable', ctx) };
    }
    attributed = attributeCertificate(app.keyCredentials, nowMs, connection.id, record);
  } else {
    attributed = attributeSecret(connection.id, app.passwordCredentials, record, nowMs);
  }

  let evaluated: ConnectionReport;
  if (attributed.credential) {
    const endMs = Date.parse(attributed.credential.endDateTime);
    evaluated = {
      ...found,
      credential: attributed.credential,
      status: expiryStatus(endMs, nowMs, thresholds),
      daysLeft: daysLeft(endMs, nowMs),
      expiresAt: attributed.credential.endDateTime,
    };
  } else {
    const code = attributed.problem ?? 'no_password';
    const keyCtx = record ? { ...ctx, keyId: record.keyId } : ctx;
    evaluated = { ...found, status: 'expired', problem: problem(code, keyCtx) };
  }
  if (spEnabled === false) {
    return { ...evaluated, problem: problem('service_principal_disabled', ctx) };
  }
  return evaluated;
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
