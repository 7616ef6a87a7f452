// Builders for the report tests: plan entries and executor results with every field set.

import type { ConnectionRow } from '../../../lib/report/run-report';
import type { Plan, PlanEntry } from '../../../lib/rotation/planner';
import type { RotationResult } from '../../../lib/rotation/results';
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
    connectionId: uuid(100),
    connectionName: 'deploy-prod',
    action: 'nothing',
    newKeyId: null,
    newExpiresAt: null,
    removedKeyIds: [],
    tookOver: false,
    error: null,
    skip: null,
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
