/**
 * The survey before planning `migrate`: for each secret, certificate or WIF connection in scope,
 * one read of the connection as an Administrator (`actionFilter=Manage`; null = not one, so
 * nothing is written for it), and once per application its object id, sign-in audience, password
 * metadata and federated credentials. Reads only; a dry run does the same.
 *
 * The target issuer and subject are computed with `lib/federation` (the reference's test vector
 * pins the subject); the tenant is the connection's `tenantid` (federation-and-certificates.md
 * §0.2; the same as the organization's in same-tenant setups).
 */
import pLimit from 'p-limit';
import { azureDevOpsIssuer, entraIssuer, VISUAL_STUDIO_ISSUER } from '../federation/issuers';
import { entraSubject } from '../federation/subjects';
import type { FederatedCredentialInfo, PasswordCredentialInfo } from '../graph/types';
import type { Inventory } from '../inventory/types';
import { toIssue } from '../rotation/results';
import { ficNameFor } from './fic-naming';
import type { MigrationConnectionStore } from './ports';
import type { MigrationFacts } from './types';

/** What the survey reads from Graph. `GraphClient` implements it. */
export interface MigrationApplicationSource {
  applicationForMigration(
    appId: string,
  ): Promise<{ objectId: string; signInAudience: string | null; passwords: PasswordCredentialInfo[] } | null>;
  listFederatedCredentials(appObjectId: string): Promise<FederatedCredentialInfo[]>;
}

export interface SurveyOptions {
  connections: MigrationConnectionStore;
  applications: MigrationApplicationSource;
  /** The organization's GUID. */
  organizationId: string;
  /** Reads in flight. @default 8 */
  maxParallel?: number;
}

const SCHEMES = new Set(['ServicePrincipal', 'WorkloadIdentityFederation']);

/** Facts by lower-cased connection id, for {@link planMigration}. */
export async function surveyMigration(
  inventory: Inventory,
  options: SurveyOptions,
): Promise<Map<string, MigrationFacts>> {
  const limit = pLimit(Math.max(1, options.maxParallel ?? 8));
  const apps = new Map<string, Promise<MigrationFacts['app']>>();
  const appFacts = (appId: string) => {
    const key = appId.toLowerCase();
    let found = apps.get(key);
    if (!found) {
      found = limit(() => options.applications.applicationForMigration(appId)).then(async (app) =>
        app
          ? {
              ...app,
              federatedCredentials: await limit(() =>
                options.applications.listFederatedCredentials(app.objectId),
              ),
            }
          : null,
      );
      apps.set(key, found);
    }
    return found;
  };
  const legacyIssuers = [azureDevOpsIssuer(options.organizationId), VISUAL_STUDIO_ISSUER];
  const facts = new Map<string, MigrationFacts>();
  await Promise.all(
    inventory.connections.map(async (report) => {
      const projectId = report.projects[0]?.projectId;
      if (!SCHEMES.has(report.scheme) || !projectId || !report.tenantId || !report.appId) return;
      if (report.problem?.actionRequired && report.scheme === 'ServicePrincipal' && !report.app) return;
      const target = targetOf(report.tenantId, options.organizationId, report.id);
      const appId = report.appId;
      try {
        const document = await limit(() => options.connections.getAsAdministrator(projectId, report.id));
        const app = document ? await appFacts(appId) : null;
        facts.set(report.id.toLowerCase(), { document, app, legacyIssuers, target });
      } catch (error) {
        // One connection's (or app's) unreadable state is its own problem, never the run's.
        const issue = toIssue(error, [], `Reading "${report.name}" for the migration failed: `);
        facts.set(report.id.toLowerCase(), {
          document: null,
          app: null,
          legacyIssuers,
          target,
          failure: { message: issue.message, fix: issue.fix },
        });
      }
    }),
  );
  return facts;
}

/** The Entra issuer and computed subject; null when an id is not a GUID (nothing to compute from). */
function targetOf(tenantId: string, organizationId: string, connectionId: string) {
  try {
    return {
      issuer: entraIssuer(tenantId),
      subject: entraSubject({ tenantId, organizationId, connectionId }),
      ficName: ficNameFor(connectionId),
    };
  } catch {
    return null;
  }
}
