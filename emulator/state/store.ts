import type {
  Application,
  FederatedCredential,
  Identity,
  KeyCredential,
  PasswordCredential,
  Project,
  ServiceConnection,
} from './model';
import type { TenantDescription } from './org-description';

/**
 * Everything the emulator knows, with the indexes its routes need: lookups are by id, name, appId or
 * token, never by scanning (a generated organization holds 10,000 connections).
 */
export class EmulatorStore {
  readonly tenants = new Map<string, TenantDescription>();
  readonly applications = new Map<string, Application>();
  readonly projects = new Map<string, Project>();
  readonly identities = new Map<string, Identity>();
  readonly connections = new Map<string, ServiceConnection>();

  private readonly appsByObjectId = new Map<string, Application>();
  private readonly appsByTenant = new Map<string, Application[]>();
  private readonly appsByOwner = new Map<string, Application[]>();
  private readonly projectsByName = new Map<string, Project>();
  private projectsSorted: Project[] | null = null;
  private readonly connectionsByProject = new Map<string, ServiceConnection[]>();
  private readonly identitiesByToken = new Map<string, Identity>();
  private readonly identitiesByPat = new Map<string, Identity>();
  private readonly identitiesByAppId = new Map<string, Identity>();
  private readonly secrets = new Set<string>();
  /**
   * Replaces the undocumented `/eid1/c/pub/t/…/a/…` start of Entra subjects when set (tests of a
   * service answering a subject nobody predicted; `PUT /_admin/federation`).
   */
  entraSubjectPrefix: string | null = null;
  /** How long (emulator ms) a scheme conversion stays InProgress. 0: it completes in the PUT. */
  conversionDelayMs = 0;

  constructor(
    readonly organization: { readonly name: string; readonly id: string },
    readonly startedAt: Date,
  ) {}

  addTenant(tenant: TenantDescription): void {
    this.tenants.set(tenant.id.toLowerCase(), tenant);
  }

  addApplication(app: Application): void {
    this.applications.set(app.appId.toLowerCase(), app);
    this.appsByObjectId.set(app.objectId.toLowerCase(), app);
    push(this.appsByTenant, app.tenantId.toLowerCase(), app);
    for (const owner of app.owners) push(this.appsByOwner, owner.toLowerCase(), app);
    for (const password of app.passwordCredentials) this.secrets.add(password.secretText);
  }

  addProject(project: Project): void {
    this.projects.set(project.id.toLowerCase(), project);
    this.projectsByName.set(project.name.toLowerCase(), project);
    this.projectsSorted = null;
  }

  addIdentity(identity: Identity): void {
    this.identities.set(identity.id, identity);
    if (identity.accessToken) this.identitiesByToken.set(identity.accessToken, identity);
    if (identity.pat) this.identitiesByPat.set(identity.pat, identity);
    if (identity.appId) this.identitiesByAppId.set(identity.appId.toLowerCase(), identity);
  }

  addConnection(connection: ServiceConnection): void {
    this.connections.set(connection.id.toLowerCase(), connection);
    for (const ref of connection.projectReferences)
      push(this.connectionsByProject, ref.projectId, connection);
    for (const secret of connection.confidential.values())
      if (secret.kind === 'literal') this.secrets.add(secret.value);
  }

  /** An app by appId (client id). */
  applicationByAppId(appId: string): Application | undefined {
    return this.applications.get(appId.toLowerCase());
  }

  /** An app by its object id. */
  applicationByObjectId(objectId: string): Application | undefined {
    return this.appsByObjectId.get(objectId.toLowerCase());
  }

  /** The apps of a tenant, in creation order. */
  applicationsInTenant(tenantId: string): readonly Application[] {
    return this.appsByTenant.get(tenantId.toLowerCase()) ?? [];
  }

  /** The apps whose owners include the service principal of `ownerAppId`. */
  applicationsOwnedBy(ownerAppId: string): readonly Application[] {
    return this.appsByOwner.get(ownerAppId.toLowerCase()) ?? [];
  }

  /** A project by id or (case-insensitive) name, as Azure DevOps routes accept either. */
  project(idOrName: string): Project | undefined {
    const key = idOrName.toLowerCase();
    return this.projects.get(key) ?? this.projectsByName.get(key);
  }

  /** Every project, sorted by name (the order project lists page through). */
  allProjects(): readonly Project[] {
    this.projectsSorted ??= [...this.projects.values()].sort((a, b) => a.name.localeCompare(b.name));
    return this.projectsSorted;
  }

  connection(id: string): ServiceConnection | undefined {
    return this.connections.get(id.toLowerCase());
  }

  /** The connections shared into a project (by project id). */
  connectionsInProject(projectId: string): readonly ServiceConnection[] {
    return this.connectionsByProject.get(projectId) ?? [];
  }

  identityByAccessToken(token: string): Identity | undefined {
    return this.identitiesByToken.get(token);
  }

  identityByPat(pat: string): Identity | undefined {
    return this.identitiesByPat.get(pat);
  }

  identityByAppId(appId: string): Identity | undefined {
    return this.identitiesByAppId.get(appId.toLowerCase());
  }

  /** Records a new password on an app (Graph addPassword). */
  addPassword(app: Application, password: PasswordCredential): void {
    app.passwordCredentials.push(password);
    this.secrets.add(password.secretText);
  }

  /** Replaces an app's certificate list (Graph PATCH keyCredentials). */
  setKeyCredentials(app: Application, keyCredentials: readonly KeyCredential[]): void {
    app.keyCredentials.splice(0, app.keyCredentials.length, ...keyCredentials);
  }

  /** Removes a password by keyId; false when the app has none with that id. */
  removePassword(app: Application, keyId: string): boolean {
    const index = app.passwordCredentials.findIndex((p) => p.keyId.toLowerCase() === keyId.toLowerCase());
    if (index < 0) return false;
    app.passwordCredentials.splice(index, 1);
    return true;
  }

  addFederatedCredential(app: Application, credential: FederatedCredential): void {
    app.federatedIdentityCredentials.push(credential);
  }

  /** Removes a federated credential by id or name; false when there is none. */
  removeFederatedCredential(app: Application, idOrName: string): boolean {
    const key = idOrName.toLowerCase();
    const index = app.federatedIdentityCredentials.findIndex(
      (f) => f.id.toLowerCase() === key || f.name.toLowerCase() === key,
    );
    if (index < 0) return false;
    app.federatedIdentityCredentials.splice(index, 1);
    return true;
  }

  /** Notes a secret value stored into a connection by an update. */
  rememberSecret(value: string): void {
    this.secrets.add(value);
  }

  /** Every secret text that exists or existed: app passwords (seeded or minted) and stored values. */
  issuedSecrets(): string[] {
    return [...this.secrets];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
