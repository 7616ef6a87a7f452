/**
 * One connection's report: attribution, expiry and status, or the reason it could not be
 * evaluated (spec §4). Pure: a function of what discovery read and "now".
 */
import type { ServiceConnection } from '../devops/types';
import type { FederationFinding } from '../federation/finding';
import { federationFinding } from '../federation/finding';
import { ISSUER_RETIREMENT, ISSUER_RETIREMENT_MS, VISUAL_STUDIO_ISSUER } from '../federation/issuers';
import type { ApplicationInfo, ApplicationLookup } from '../graph/types';
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

/**
 * True when the connection's app must be read: a service principal (its secrets) or a workload
 * identity federation connection (its federated credentials, spec §7) that the rotator can
 * evaluate in its tenant.
 */
export function needsApplicationLookup(connection: ServiceConnection, rotatorTenantId: string): boolean {
  const scheme = connection.scheme.toLowerCase();
  return (
    (scheme === 'serviceprincipal' || scheme === 'workloadidentityfederation') &&
    connection.appId !== null &&
    connection.tenantId !== null &&
    sameId(connection.tenantId, rotatorTenantId)
  );
}

/**
 * Evaluates one connection.
 *
 * - Managed identity (`ManagedServiceIdentity`): `ok`, `secretless: true`, federation noted, not
 *   checked.
 * - Workload identity federation (spec §7): `secretless: true`; its app's federated credentials
 *   decide (lib/federation/finding.ts): federated or out of scope `ok`; on the retiring Azure DevOps
 *   issuer by the thresholds with 2027-07-01 as its expiry; no exact match `unknown` with
 *   `federation_mismatch` (action required). An app that cannot be read is `federation_not_checked`
 *   (not action required); a deleted one `app_not_found`; a managed identity behind it `ok`, noted.
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

  const scheme = connection.scheme.toLowerCase();
  if (scheme === 'managedserviceidentity') {
    return { ...report, secretless: true, status: 'ok', federation: managedIdentity(connection) };
  }
  const federated = scheme === 'workloadidentityfederation';
  if (!federated && scheme !== 'serviceprincipal') return fail('unsupported_scheme');
  const secretless = federated ? { secretless: true } : {};
  if (!connection.tenantId || !connection.appId) return { ...fail('no_app_reference'), ...secretless };
  if (!sameId(connection.tenantId, rotatorTenantId)) return { ...fail('other_tenant'), ...secretless };
  // Reading a WIF connection's app is for its federation check only: when it cannot be read
  // (a rotator that may read only the apps it owns, Application.ReadWrite.OwnedBy; Graph not
  // answering), the federation is not checked, and that is not a failure of the connection (like
  // unread certificates, spec §4). A deleted app is: nothing can sign in (AADSTS700016).
  const notChecked = (detail: string): ConnectionReport => ({
    ...report,
    secretless: true,
    status: 'unknown',
    problem: problem('federation_not_checked', { ...ctx, detail }),
  });
  if (lookup === undefined) {
    return federated ? notChecked('its app was not looked up.') : fail('lookup_failed');
  }
  if (lookup.kind === 'managed_identity' && federated) {
    return {
      ...report,
      app: { objectId: lookup.objectId, displayName: lookup.displayName },
      secretless: true,
      status: 'ok',
      federation: managedIdentity(connection),
    };
  }
  if (lookup.kind === 'not_found' || lookup.kind === 'managed_identity') {
    return { ...fail('app_not_found'), ...secretless };
  }
  if (lookup.kind === 'forbidden') {
    return federated
      ? notChecked('the rotator may not read its app in Microsoft Graph.')
      : fail('app_not_readable', lookup.message);
  }
  if (lookup.kind === 'failed') {
    return federated
      ? notChecked(`its app could not be read in Microsoft Graph (${lookup.message}).`)
      : fail('lookup_failed', lookup.message);
  }

  const app = lookup.app;
  if (federated) {
    const evaluated = evaluateFederation(
      { ...report, app: { objectId: app.objectId, displayName: app.displayName } },
      connection,
      app,
      thresholds,
      ctx,
      nowMs,
    );
    if (spEnabled === false) return { ...evaluated, problem: problem('service_principal_disabled', ctx) };
    return evaluated;
  }
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

/** The federation of a managed identity: noted, not checked (its FICs live in Azure Resource Manager). */
function managedIdentity(connection: ServiceConnection): FederationFinding {
  return {
    kind: 'managed_identity',
    issuer: connection.federation?.issuer ?? null,
    subject: connection.federation?.subject ?? null,
    note: 'Managed identity: its federated credentials live in Azure Resource Manager, so federation was not checked.',
  };
}

/**
 * A WIF connection whose app was read (spec §7 table): federated or out of scope `ok`; legacy
 * issuer by the thresholds with the retirement as its expiry; broken `unknown` with
 * `federation_mismatch`; not checked `unknown` with `federation_not_checked`.
 */
function evaluateFederation(
  report: ConnectionReport,
  connection: ServiceConnection,
  app: ApplicationInfo,
  thresholds: Thresholds,
  ctx: ProblemContext,
  nowMs: number,
): ConnectionReport {
  const finding = federationFinding({
    issuer: connection.federation?.issuer ?? null,
    subject: connection.federation?.subject ?? null,
    environment: connection.environment,
    app,
  });
  const found = { ...report, secretless: true, federation: finding };
  switch (finding.kind) {
    case 'federated':
    case 'legacy_out_of_scope':
      return { ...found, status: 'ok' };
    case 'legacy_issuer':
      return {
        ...found,
        status: expiryStatus(ISSUER_RETIREMENT_MS, nowMs, thresholds),
        daysLeft: daysLeft(ISSUER_RETIREMENT_MS, nowMs),
        expiresAt: ISSUER_RETIREMENT,
      };
    case 'broken': {
      const fix =
        finding.issuer === VISUAL_STUDIO_ISSUER
          ? `Edit and save the connection in Azure DevOps: saving moves it to the current issuer (https://vstoken.dev.azure.com/{organizationId}); then make sure application ${connection.appId} has a federated credential with the new issuer and subject, or run action "migrate".`
          : undefined;
      return {
        ...found,
        status: 'unknown',
        problem: problem('federation_mismatch', { ...ctx, detail: finding.note, ...(fix ? { fix } : {}) }),
      };
    }
    default:
      return {
        ...found,
        status: 'unknown',
        problem: problem('federation_not_checked', { ...ctx, detail: finding.note }),
      };
  }
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
