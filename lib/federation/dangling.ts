/**
 * Dangling federated credentials (spec §7; federation-and-certificates.md §4.7): a FIC on an app
 * behind a connection in scope, issued for this organization, whose subject names no existing
 * connection. Entra calls this "subject recycling": a new connection with that name would silently
 * get the app's access (ENTRADOCS `workload-identities-federated-credential-mutable-subjects.md`).
 * The task lists them and never deletes them. Pure.
 *
 * A FIC is this organization's when its issuer is the Azure DevOps issuer with this organization's
 * id (or the old issuer) and its `sc://` subject names this organization, or when its subject is an
 * Entra subject naming this organization's id. Only what discovery saw can be judged: an `sc://`
 * subject of a project out of scope is not listed, and an Entra subject (by connection id) only when
 * every project is in scope; flexible FICs are ignored.
 */
import type { ApplicationInfo } from '../graph/types';
import type { DanglingCredential } from '../inventory/types';
import { classifyIssuer } from './issuers';
import { parseAzureDevOpsSubject, parseEntraSubject } from './subjects';

/** The connections that exist, as discovery listed them (before the `connections` filter). */
export interface ExistingConnection {
  id: string;
  projects: ReadonlyArray<{ projectName: string; connectionName: string }>;
}

/** What {@link findDanglingCredentials} judges against. */
export interface DanglingInput {
  /** The organization's name, as in `sc://{organization}/…`. */
  organizationName: string;
  /** The organization's GUID; null when unknown (then only `sc://` subjects are judged). */
  organizationId: string | null;
  /** Names of the projects in scope. */
  projectNames: readonly string[];
  /** Every project of the organization is in scope. */
  allProjects: boolean;
  connections: readonly ExistingConnection[];
  /** The apps behind connections in scope, with their FICs where read. */
  applications: readonly ApplicationInfo[];
}

/** See the file comment. Sorted by app name, then FIC name. */
export function findDanglingCredentials(input: DanglingInput): DanglingCredential[] {
  const orgName = input.organizationName.toLowerCase();
  const orgId = input.organizationId?.toLowerCase() ?? null;
  const projects = new Set(input.projectNames.map((n) => n.toLowerCase()));
  const names = new Set<string>();
  const ids = new Set<string>();
  for (const c of input.connections) {
    ids.add(c.id.toLowerCase());
    for (const p of c.projects) names.add(nameKey(p.projectName, p.connectionName));
  }
  const found: DanglingCredential[] = [];
  for (const app of input.applications) {
    for (const fic of app.federatedCredentials ?? []) {
      if (fic.flexible) continue;
      const risk = riskOf(fic.issuer, fic.subject);
      if (risk) {
        found.push({
          appId: app.appId,
          appObjectId: app.objectId,
          appDisplayName: app.displayName,
          name: fic.name,
          issuer: fic.issuer,
          subject: fic.subject,
          risk: risk(app.displayName),
        });
      }
    }
  }
  return found.sort(
    (a, b) => a.appDisplayName.localeCompare(b.appDisplayName) || a.name.localeCompare(b.name),
  );

  function riskOf(issuer: string, subject: string): ((app: string) => string) | null {
    const kind = classifyIssuer(issuer);
    const legacy =
      kind.kind === 'visual-studio' ||
      (kind.kind === 'azure-devops' && (orgId === null || kind.organizationId === orgId));
    if (legacy) {
      const names_ = parseAzureDevOpsSubject(subject);
      if (!names_ || names_.organization.toLowerCase() !== orgName) return null;
      if (!projects.has(names_.project.toLowerCase())) return null;
      if (names.has(nameKey(names_.project, names_.connectionName))) return null;
      return (app) =>
        `No connection "${names_.connectionName}" exists in project "${names_.project}": a new connection with that name would inherit the access of app "${app}".`;
    }
    if (kind.kind !== 'entra' || orgId === null || !input.allProjects) return null;
    const parsed = parseEntraSubject(subject);
    if (!parsed || parsed.organizationId !== orgId || ids.has(parsed.connectionId)) return null;
    return (app) =>
      `No connection with id ${parsed.connectionId} exists any more, yet app "${app}" still trusts it: remove the credential once nothing needs it.`;
  }
}

/** A connection's name in a project, as one case-insensitive key. */
export function nameKey(project: string, connection: string): string {
  return `${project.toLowerCase()}\u0000${connection.toLowerCase()}`;
}

/**
 * The organization's name in an organization URL: `https://dev.azure.com/{organization}` (the
 * first path segment) or `https://{organization}.visualstudio.com`.
 */
export function organizationNameOf(organizationUrl: string): string {
  try {
    const url = new URL(organizationUrl);
    const segment = url.pathname.split('/').find((s) => s.length > 0);
    if (segment) return decodeURIComponent(segment);
    return url.hostname.split('.')[0] ?? '';
  } catch {
    return '';
  }
}

/**
 * The organization's GUID as the WIF connections show it: the id in an Azure DevOps issuer, or in
 * an Entra subject. Null when none shows one.
 */
export function organizationIdFromConnections(
  connections: ReadonlyArray<{ federation?: { issuer: string | null; subject: string | null } }>,
): string | null {
  for (const c of connections) {
    const kind = classifyIssuer(c.federation?.issuer);
    if (kind.kind === 'azure-devops') return kind.organizationId;
    const parsed = parseEntraSubject(c.federation?.subject);
    if (parsed) return parsed.organizationId;
  }
  return null;
}
