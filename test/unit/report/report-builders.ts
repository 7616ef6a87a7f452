// Builders for the report tests: plan entries and executor results with every field set.

import type { ConnectionRow, RunReport } from '../../../lib/report/run-report';
import type { Plan, PlanEntry } from '../../../lib/rotation/planner';
import { emptyResult, type RotationResult } from '../../../lib/rotation/results';
import { iso, NOW, POLICY, uuid } from '../inventory/builders';

export function entry(overrides: Partial<PlanEntry> = {}): PlanEntry {
  return {
    connectionId: uuid(100),
    connectionName: 'deploy-prod',
    projectId: uuid(10, 'bbbbbbbb'),
    tenantId: uuid(1, 'aaaaaaaa'),
    appId: uuid(200, 'cccccccc'),
    appObjectId: uuid(300, 'dddddddd'),
    action: 'nothing',
    rotate: null,
    takeOver: false,
    retire: [],
    removeOrphans: [],
    skip: null,
    ...overrides,
  };
}

export function planOf(entries: PlanEntry[], policy = POLICY): Plan {
  return { createdAt: iso(NOW), policy, entries };
}

export function result(overrides: Partial<RotationResult> = {}): RotationResult {
  return {
    ...emptyResult({ connectionId: uuid(100), connectionName: 'deploy-prod' }, 'nothing'),
    ...overrides,
  };
}

/** A run report of `rows` under the default thresholds and policy. */
export function runReport(rows: ConnectionRow[], overrides: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 1,
    tool: { name: 'ServiceConnectionRotator', version: '9.9.9' },
    organizationUrl: 'https://dev.azure.com/fabrikam',
    action: 'rotate',
    dryRun: false,
    startedAt: iso(NOW),
    finishedAt: iso(NOW),
    thresholds: { warningDays: 30, failureDays: 7 },
    policy: {
      rotateWithinDays: POLICY.rotateWithinDays,
      secretLifetimeDays: POLICY.secretLifetimeDays,
      revokeAfterHours: POLICY.revokeAfterHours,
      automaticConnections: POLICY.automaticConnections,
    },
    projects: ['Alpha'],
    connections: rows,
    ...overrides,
  };
}

/** A report row as buildReport makes it for a healthy connection, overridable. */
export function row(overrides: Partial<ConnectionRow> = {}): ConnectionRow {
  return {
    id: uuid(100),
    name: 'deploy-prod',
    projects: ['Alpha'],
    scheme: 'ServicePrincipal',
    creationMode: 'Manual',
    appId: uuid(200, 'cccccccc'),
    statusBefore: 'ok',
    status: 'ok',
    daysLeft: 100,
    expiresAt: iso(NOW + 100 * 86_400_000),
    keyId: uuid(7, 'eeeeeeee'),
    attribution: 'inferred',
    action: 'none',
    detail: '',
    next: '',
    failed: false,
    needsAction: false,
    code: null,
    tookOver: false,
    removedKeyIds: [],
    ...overrides,
  };
}
