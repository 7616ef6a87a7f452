// Builders for domain values in tests: every field set, overridable, ids well-formed.
import { MS_PER_DAY, MS_PER_HOUR } from '../../../lib/clock';
import type { ServiceConnection } from '../../../lib/devops/types';
import type {
  ApplicationInfo,
  FederatedCredentialInfo,
  PasswordCredentialInfo,
} from '../../../lib/graph/types';
import {
  applicationKey,
  type ConnectionReport,
  type Inventory,
  type Thresholds,
} from '../../../lib/inventory/types';
import { formatMarker } from '../../../lib/rotation/marker';
import type { RotationPolicy } from '../../../lib/rotation/policy';
import type { RotationRecord } from '../../../lib/rotation/record';

/** A well-formed lower-case GUID from a small number, so tests read `uuid(7)`. */
export function uuid(n: number, prefix = '00000000'): string {
  return `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export const TENANT = uuid(1, 'aaaaaaaa');
export const OTHER_TENANT = uuid(2, 'aaaaaaaa');
/** 2026-11-23T03:00:00Z, the "now" of most tables. */
export const NOW = Date.parse('2026-11-23T03:00:00.000Z');
export const THRESHOLDS: Thresholds = { warningDays: 30, failureDays: 7 };
export const POLICY: RotationPolicy = {
  rotateWithinDays: 30,
  secretLifetimeDays: 180,
  revokeAfterHours: 24,
  automaticConnections: 'report',
  orphanMinAgeMinutes: 60,
};

export const iso = (ms: number): string => new Date(ms).toISOString();
export const days = (n: number): number => n * MS_PER_DAY;
export const hours = (n: number): number => n * MS_PER_HOUR;
export const minutes = (n: number): number => n * 60_000;

export function connection(overrides: Partial<ServiceConnection> = {}): ServiceConnection {
  const name = overrides.name ?? 'deploy-prod';
  return {
    id: uuid(100),
    name,
    type: 'AzureRM',
    url: 'https://management.azure.com/',
    description: '',
    projects: [{ projectId: uuid(10, 'bbbbbbbb'), projectName: 'Alpha', connectionName: name }],
    scheme: 'ServicePrincipal',
    authenticationType: 'spnKey',
    creationMode: 'Manual',
    tenantId: TENANT,
    appId: uuid(200, 'cccccccc'),
    environment: 'AzureCloud',
    isReady: true,
    isDisabled: false,
    ...overrides,
  };
}

export function password(
  keyId: string,
  endMs: number,
  displayName: string | null = 'ci',
): PasswordCredentialInfo {
  return { keyId, displayName, startDateTime: iso(endMs - days(365)), endDateTime: iso(endMs), hint: 'abc' };
}

/** A password our marker assigns to `connectionId`, minted at `mintedMs`. */
export function ours(
  keyId: string,
  connectionId: string,
  mintedMs: number,
  lifetimeDays = 180,
): PasswordCredentialInfo {
  return {
    keyId,
    displayName: formatMarker(connectionId, mintedMs),
    startDateTime: iso(mintedMs),
    endDateTime: iso(mintedMs + days(lifetimeDays)),
    hint: 'xyz',
  };
}

export function app(
  passwords: PasswordCredentialInfo[],
  overrides: Partial<ApplicationInfo> = {},
): ApplicationInfo {
  return {
    objectId: uuid(300, 'dddddddd'),
    appId: uuid(200, 'cccccccc'),
    displayName: 'deploy app',
    tenantId: TENANT,
    passwordCredentials: passwords,
    ...overrides,
  };
}

/** A federated credential with the one audience Entra's exchange accepts, unless told otherwise. */
export function federatedCredential(
  name: string,
  issuer: string,
  subject: string,
  audiences: string[] = ['api://AzureADTokenExchange'],
): FederatedCredentialInfo {
  return { id: `id-${name}`, name, issuer, subject, audiences, description: null };
}

export function record(keyId: string, installedMs: number): RotationRecord {
  return { keyId, installedAt: iso(installedMs) };
}

/** A report as evaluation would produce it for a healthy Manual secret connection. */
export function report(overrides: Partial<ConnectionReport> = {}): ConnectionReport {
  const base = connection();
  return {
    id: base.id,
    name: base.name,
    projects: base.projects,
    scheme: 'ServicePrincipal',
    authenticationType: 'spnKey',
    creationMode: 'Manual',
    tenantId: TENANT,
    appId: base.appId,
    isReady: true,
    isDisabled: false,
    app: { objectId: uuid(300, 'dddddddd'), displayName: 'deploy app' },
    secretless: false,
    credential: null,
    record: null,
    status: 'ok',
    daysLeft: 100,
    expiresAt: iso(NOW + days(100)),
    problem: null,
    ...overrides,
  };
}

export function inventory(reports: ConnectionReport[], apps: ApplicationInfo[] = []): Inventory {
  const applications: Inventory['applications'] = {};
  for (const a of apps) applications[applicationKey(a.tenantId, a.appId)] = a;
  return {
    organizationUrl: 'https://dev.azure.com/fabrikam',
    evaluatedAt: iso(NOW),
    thresholds: THRESHOLDS,
    projects: [{ id: uuid(10, 'bbbbbbbb'), name: 'Alpha' }],
    connections: reports,
    applications,
  };
}
