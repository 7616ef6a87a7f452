// A small organization for Graph tests: callers with each permission, targets they do or do not own,
// and an app in another tenant. Secrets are fixed so tests can sign in without the state.
import type { OrgDescription } from '../../emulator/index';
import type { ApplicationDescription, GraphPermission } from '../../emulator/state/org-description';

export const TENANT = '11111111-1111-4111-8111-111111111111';
export const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';

const id = (n: number, block = 'a') => `${block.repeat(8)}-0000-4000-8000-${String(n).padStart(12, '0')}`;

function caller(
  n: number,
  name: string,
  permissions: GraphPermission[],
  tenantId = TENANT,
): ApplicationDescription {
  return {
    appId: id(n),
    objectId: id(n, 'b'),
    tenantId,
    displayName: name,
    servicePrincipal: { objectId: id(n, 'c') },
    graphPermissions: permissions,
    passwordCredentials: [
      { keyId: id(n, 'd'), displayName: 'caller secret', secretText: `${name}-secret-0123456789` },
    ],
  };
}

export const OWNED_BY = caller(1, 'owned-by', ['Application.ReadWrite.OwnedBy']);
export const READ_ALL = caller(2, 'read-all', ['Application.Read.All']);
export const WRITE_ALL = caller(3, 'write-all', ['Application.ReadWrite.All']);
export const NO_PERMISSION = caller(4, 'no-permission', []);
export const FOREIGN_WRITER = caller(5, 'foreign-writer', ['Application.ReadWrite.All'], OTHER_TENANT);

/** Targets: 1..5 owned by OWNED_BY, 6 not owned, 7 in the other tenant, 8 with a certificate. */
export function target(n: number): ApplicationDescription {
  const owned = n <= 5 || n === 8;
  return {
    appId: id(100 + n),
    objectId: id(100 + n, 'b'),
    tenantId: n === 7 ? OTHER_TENANT : TENANT,
    displayName: `target-${n}`,
    servicePrincipal: { objectId: id(100 + n, 'c'), accountEnabled: n !== 2 },
    ...(owned ? { owners: [OWNED_BY.appId] } : {}),
    passwordCredentials: [
      { keyId: id(100 + n, 'd'), displayName: `target ${n} secret`, startDaysAgo: 10, expiresInDays: 20 * n },
    ],
    ...(n === 8
      ? { keyCredentials: [{ keyId: id(100 + n, 'e'), displayName: 'CN=target-8', expiresInDays: 60 }] }
      : {}),
  };
}

export function graphOrg(): OrgDescription {
  return {
    organization: { name: 'graphorg', id: id(999, 'f') },
    tenants: [{ id: TENANT }, { id: OTHER_TENANT }],
    applications: [
      OWNED_BY,
      READ_ALL,
      WRITE_ALL,
      NO_PERMISSION,
      FOREIGN_WRITER,
      ...[1, 2, 3, 4, 5, 6, 7, 8].map(target),
    ],
    projects: [{ id: id(1, 'e'), name: 'Only' }],
  };
}

/** The fixed secret of a caller. */
export const secretOfCaller = (app: ApplicationDescription) => app.passwordCredentials![0]!.secretText!;
