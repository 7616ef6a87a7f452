/**
 * `PUT …/endpoints/{id}?operation=ConvertAuthenticationScheme` for AzureRM (azure-apis.md §1.9,
 * federation-and-certificates.md §1.2, §2):
 *
 * - ServicePrincipal → WorkloadIdentityFederation (upgrade): the app must already trust the
 *   connection's Entra issuer and subject (a federated credential), or, for an Automatic
 *   connection, Azure DevOps configures the app itself; a Manual one without it is refused with
 *   DECOMP's `CannotUpgradeAuthorizationSchemeError`. The secret parameters are dropped and kept as
 *   recovery data; `data.revertSchemeDeadline` = completion + 7 days.
 * - WorkloadIdentityFederation → ServicePrincipal (revert) while `now < revertSchemeDeadline` and
 *   recovery data exists; else `CouldNotDowngradeMissingRecoveryData`.
 * - Anything else, WIF → WIF included, is refused with the service's "neither an upgrade or a
 *   downgrade" message (devopsshield README, 2023).
 * - Nothing but the scheme may change (DECOMP `AssertEndpointNotModified`).
 *
 * Asynchrony: with `store.conversionDelayMs` > 0 (and always when Azure DevOps must configure the
 * app itself) the PUT answers 202 with `operationStatus` `InProgress`/`converting_scheme` and
 * `isReady` false; `settlePending` ends it once that much emulator time has passed.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { json, type Reply } from '../http/types';
import {
  CONFIDENTIAL_KEYS,
  getIgnoreCase,
  WIF_ISSUER_KEY,
  WIF_ISSUER_TYPE_KEY,
  WIF_SUBJECT_KEY,
} from '../state/endpoint-fields';
import type { Project, ServiceConnection } from '../state/model';
import type { ParsedEndpoint } from './endpoint-validation';
import { endpointView } from './endpoint-view';
import { adoError, badRequest } from './errors';
import { federationOf, TOKEN_EXCHANGE_AUDIENCE } from './workload-identity';

/** The revert window (ADODOCS connect-to-azure.md "7 days"; DECOMP 10080 minutes). */
export const REVERT_WINDOW_MS = 7 * 86_400_000;

const SP = 'ServicePrincipal';
const WIF = 'WorkloadIdentityFederation';
/** Parameters a WIF connection keeps; the rest (secret, authenticationType) go to recovery data. */
const WIF_PARAMETERS = new Set(['tenantid', 'serviceprincipalid', 'scope']);
const SERVER_SET = new Set(
  [WIF_ISSUER_KEY, WIF_SUBJECT_KEY, WIF_ISSUER_TYPE_KEY].map((k) => k.toLowerCase()),
);

/** Runs the conversion the body asks for; the reply is the service's. */
export function convertScheme(
  ctx: EmulatorContext,
  connection: ServiceConnection,
  parsed: ParsedEndpoint,
  project: Project | null,
): Reply {
  const from = connection.scheme;
  const to = parsed.scheme;
  const upgrade = from === SP && to === WIF;
  const downgrade = from === WIF && to === SP;
  if (!upgrade && !downgrade) {
    return badRequest(
      `Converting endpoint type ${connection.type.toLowerCase()} scheme from ${from} to ${to} is neither an upgrade or a downgrade and is not supported.`,
    );
  }
  const changed = changedProperty(connection, parsed);
  if (changed) {
    return badRequest(
      `Properties cannot be changed during service connection upgrade. Property ${changed} does not match current endpoint value.`,
    );
  }
  const plan = upgrade ? planUpgrade(ctx, connection) : planDowngrade(ctx, connection);
  if ('status' in plan) return plan;
  const delayMs = Math.max(ctx.store.conversionDelayMs, plan.minDelayMs);
  if (delayMs === 0) {
    const nowMs = ctx.clock.nowMs();
    plan.apply(nowMs);
    connection.modificationDate = new Date(nowMs);
    return json(200, endpointView(ctx, connection, project, 'null'));
  }
  connection.pending = { dueMs: ctx.clock.nowMs() + delayMs, apply: plan.apply, failure: '' };
  connection.isReady = false;
  connection.operationStatus = { state: 'InProgress', statusMessage: 'converting_scheme' };
  connection.modificationDate = ctx.clock.now();
  return json(202, endpointView(ctx, connection, project, 'null'));
}

interface ConversionPlan {
  apply: (nowMs: number) => void;
  /** Azure DevOps configuring the app itself is never instant. */
  minDelayMs: number;
}

function planUpgrade(ctx: EmulatorContext, connection: ServiceConnection): ConversionPlan | Reply {
  const app = ctx.store.applicationByAppId(connection.parameters['serviceprincipalid'] ?? '');
  const { issuer, subject } = federationOf(ctx.store, { ...connection, scheme: SP });
  const trusted = app?.federatedIdentityCredentials.some(
    (f) => f.issuer === issuer && f.subject === subject && f.audiences.includes(TOKEN_EXCHANGE_AUDIENCE),
  );
  const automatic = connection.data['creationMode'] === 'Automatic';
  if (!trusted && (!automatic || !app)) {
    return badRequest(
      'The authorization scheme could not be upgraded to WorkloadIdentityFederation because the service principal could not be configured automatically, and no valid configuration exists.',
    );
  }
  const apply = (nowMs: number) => {
    if (!trusted && app) {
      // Azure DevOps adds the credential with the creator's rights (Automatic connections only).
      ctx.store.addFederatedCredential(app, {
        id: randomUUID(),
        name: `azure-devops-${connection.id}`,
        issuer,
        subject,
        audiences: [TOKEN_EXCHANGE_AUDIENCE],
        description: null,
      });
    }
    const parameters: Record<string, string> = {};
    for (const [key, value] of Object.entries(connection.parameters)) {
      if (WIF_PARAMETERS.has(key.toLowerCase())) parameters[key] = value;
    }
    const { revertSchemeDeadline: _old, ...data } = connection.data;
    connection.recovery = {
      parameters: { ...connection.parameters },
      confidential: new Map(connection.confidential),
      data: { ...data },
    };
    connection.scheme = WIF;
    connection.issuerType = 'EntraID';
    connection.parameters = parameters;
    connection.confidential = new Map();
    connection.data = {
      ...data,
      revertSchemeDeadline: new Date(nowMs + REVERT_WINDOW_MS).toISOString(),
    };
  };
  return { apply, minDelayMs: trusted ? 0 : 1000 };
}

function planDowngrade(ctx: EmulatorContext, connection: ServiceConnection): ConversionPlan | Reply {
  const deadline = Date.parse(connection.data['revertSchemeDeadline'] ?? '');
  const recovery = connection.recovery;
  if (!recovery || Number.isNaN(deadline) || ctx.clock.nowMs() >= deadline) {
    return adoError(
      400,
      'CouldNotDowngradeMissingRecoveryDataException',
      `The authorization scheme of service connection '${connection.name}' cannot be reverted to ServicePrincipal: no recovery data is stored (the revert window has ended, or the connection was created with workload identity federation).`,
      'serviceEndpoints',
    );
  }
  const apply = () => {
    connection.scheme = SP;
    connection.parameters = { ...recovery.parameters };
    connection.confidential = new Map(recovery.confidential);
    connection.data = { ...recovery.data };
    connection.recovery = null;
  };
  return { apply, minDelayMs: 0 };
}

/** The first property the body changes, or null (name, description, url, parameters, data). */
function changedProperty(connection: ServiceConnection, parsed: ParsedEndpoint): string | null {
  const names = new Set([connection.name, ...connection.projectReferences.map((r) => r.name)]);
  if (!names.has(parsed.name)) return 'name';
  if ((parsed.description ?? '') !== connection.description) return 'description';
  if (parsed.url !== connection.url) return 'url';
  for (const [key, value] of Object.entries(parsed.parameters)) {
    const lower = key.toLowerCase();
    if (CONFIDENTIAL_KEYS.has(lower) || SERVER_SET.has(lower) || value === null) continue;
    if ((getIgnoreCase(connection.parameters, key) ?? '') !== value) return `authorization.parameters.${key}`;
  }
  for (const [key, value] of Object.entries(parsed.data)) {
    if (key === 'revertSchemeDeadline') continue;
    if ((getIgnoreCase(connection.data, key) ?? '') !== (value ?? '')) return `data.${key}`;
  }
  return null;
}
