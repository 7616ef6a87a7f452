// In-memory fakes of the ports discovery and rotation depend on. They apply the real services'
// rules that matter to rotation (azure-apis.md §1.5–1.7, §2.2–2.3): secrets are never returned,
// a confidential parameter sent as null keeps the stored value and an omitted one is dropped,
// Manual rejects spnObjectId/appObjectId, Automatic requires them, unknown keys are rejected,
// `accesstoken` in a PUT breaks the connection. Every call is journaled in order.

import { AZURERM_DATA_KEYS } from '../../../emulator/state/endpoint-fields';
import type { Clock } from '../../../lib/clock';
import type {
  EndpointDocument,
  ProjectInfo,
  ServiceConnection,
  TestConnectionResult,
} from '../../../lib/devops/types';
import { HttpError, RotatorError } from '../../../lib/errors';
import type {
  ApplicationInfo,
  ApplicationLookup,
  KeyCredentialInfo,
  NewPassword,
  PasswordCredentialInfo,
} from '../../../lib/graph/types';
import type { ApplicationSource, ConnectionSource } from '../../../lib/inventory/ports';
import type { ConnectionStore, CredentialProver, CredentialStore } from '../../../lib/rotation/ports';
import { iso, TENANT, uuid } from '../inventory/builders';

/** Lets other pending work run, so concurrent callers interleave as they would over a network. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface JournalEntry {
  port: 'graph' | 'entra' | 'devops' | 'mask';
  op: string;
  target: string;
  /** The secret text this call was given, if any (never serialised by tests). */
  secret?: string;
}

/** Every call to every fake, in order. */
export class Journal {
  readonly entries: JournalEntry[] = [];

  add(entry: JournalEntry): void {
    this.entries.push(entry);
  }

  /** `port.op` of each call, e.g. `graph.addPassword`. */
  ops(): string[] {
    return this.entries.map((e) => `${e.port}.${e.op}`);
  }

  /** Calls that change something in a service. */
  writes(): JournalEntry[] {
    return this.entries.filter((e) => ['addPassword', 'removePassword', 'update'].includes(e.op));
  }
}

/** A clock tests move by hand; `sleep` advances it. */
export class FakeClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  async sleep(ms: number): Promise<void> {
    this.ms += ms;
    await tick();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

interface StoredPassword extends PasswordCredentialInfo {
  secret: string;
}

interface StoredApp {
  objectId: string;
  appId: string;
  displayName: string;
  passwords: StoredPassword[];
  keyCredentials: KeyCredentialInfo[];
  spEnabled: boolean | null;
}

/** Microsoft Graph and Entra ID: applications, their passwords, and which secret texts sign in. */
export class FakeGraph implements CredentialStore, CredentialProver, ApplicationSource {
  /** Every secret text ever handed out or seeded, for hygiene checks. */
  readonly secrets: string[] = [];
  /** The next N proofs fail as if the secret never propagated. */
  proofFailures = 0;
  /** addPassword answers 400 (e.g. an app management policy). */
  failAddPassword = false;
  /** keyIds whose removal fails with a 503. */
  readonly failRemove = new Set<string>();
  /** appIds whose lookup answers 403. */
  readonly forbiddenApps = new Set<string>();
  /** Called before a password is removed, with its secret text (to check invariants). */
  beforeRemove: ((keyId: string, secret: string) => void) | undefined;
  private readonly apps = new Map<string, StoredApp>();
  private minted = 0;

  constructor(
    private readonly journal: Journal,
    private readonly clock: FakeClock,
  ) {}

  addApp(app: { objectId: string; appId: string; displayName?: string; spEnabled?: boolean | null }): void {
    this.apps.set(app.objectId, {
      objectId: app.objectId,
      appId: app.appId,
      displayName: app.displayName ?? 'app',
      passwords: [],
      keyCredentials: [],
      spEnabled: app.spEnabled ?? true,
    });
  }

  /** A password created outside this product (or before the test), with its secret text. */
  seedPassword(
    objectId: string,
    p: { keyId: string; displayName: string | null; endMs: number; secret: string },
  ): void {
    this.secrets.push(p.secret);
    this.app(objectId).passwords.push({
      keyId: p.keyId,
      displayName: p.displayName,
      startDateTime: iso(p.endMs - 365 * 86_400_000),
      endDateTime: iso(p.endMs),
      hint: p.secret.slice(0, 3),
      secret: p.secret,
    });
  }

  /** Password metadata of an app, for assertions. */
  keyIds(objectId: string): string[] {
    return this.app(objectId).passwords.map((p) => p.keyId);
  }

  passwordsOf(objectId: string): PasswordCredentialInfo[] {
    return this.app(objectId).passwords.map(({ secret: _secret, ...meta }) => meta);
  }

  /** The keyId of the password whose secret text is `secret`, if it still exists. */
  keyIdOfSecret(secret: string): string | null {
    for (const app of this.apps.values()) {
      const found = app.passwords.find((p) => p.secret === secret);
      if (found) return found.keyId;
    }
    return null;
  }

  /** True when `secret` gets a token for `appId` now. */
  isValid(appId: string, secret: string): boolean {
    const now = this.clock.now();
    return [...this.apps.values()].some(
      (a) =>
        a.appId.toLowerCase() === appId.toLowerCase() &&
        a.passwords.some((p) => p.secret === secret && Date.parse(p.endDateTime ?? '') > now),
    );
  }

  async listPasswords(appObjectId: string): Promise<PasswordCredentialInfo[]> {
    this.journal.add({ port: 'graph', op: 'listPasswords', target: appObjectId });
    await tick();
    return this.passwordsOf(appObjectId);
  }

  async addPassword(
    appObjectId: string,
    request: { displayName: string; endDateTime: string },
  ): Promise<NewPassword> {
    this.journal.add({ port: 'graph', op: 'addPassword', target: appObjectId });
    await tick();
    if (this.failAddPassword) {
      throw new HttpError('graph.bad_request', 'addPassword was refused by an app management policy.', {
        service: 'graph',
        operation: 'graph.addPassword',
        status: 400,
      });
    }
    this.minted += 1;
    const keyId = uuid(this.minted, 'f0000000');
    const secret = `S3cret~${this.minted}~${Math.random().toString(36).slice(2, 12)}`;
    this.secrets.push(secret);
    const startDateTime = iso(this.clock.now());
    this.app(appObjectId).passwords.push({
      keyId,
      displayName: request.displayName,
      startDateTime,
      endDateTime: request.endDateTime,
      hint: secret.slice(0, 3),
      secret,
    });
    return {
      keyId,
      secretText: secret,
      displayName: request.displayName,
      startDateTime,
      endDateTime: request.endDateTime,
    };
  }

  async removePassword(appObjectId: string, keyId: string): Promise<void> {
    this.journal.add({ port: 'graph', op: 'removePassword', target: keyId });
    await tick();
    if (this.failRemove.has(keyId)) {
      throw new HttpError('http.unavailable', 'Graph answered 503.', {
        service: 'graph',
        operation: 'graph.removePassword',
        status: 503,
      });
    }
    const app = this.app(appObjectId);
    const removed = app.passwords.find((p) => p.keyId === keyId);
    if (removed) this.beforeRemove?.(keyId, removed.secret);
    app.passwords = app.passwords.filter((p) => p.keyId !== keyId);
  }

  async proveSecret(_tenantId: string, appId: string, secret: string): Promise<void> {
    this.journal.add({ port: 'entra', op: 'prove', target: appId, secret });
    await tick();
    if (this.proofFailures > 0) {
      this.proofFailures -= 1;
      throw new RotatorError(
        'rotation.proof_failed',
        'The new secret was still rejected (AADSTS7000215) after 120 s.',
      );
    }
    if (!this.isValid(appId, secret))
      throw new RotatorError('auth.invalid_secret', 'AADSTS7000215: invalid secret.');
  }

  async lookupApplications(
    appIds: readonly string[],
    options?: { withKeyCredentials?: ReadonlySet<string> },
  ): Promise<Map<string, ApplicationLookup>> {
    this.journal.add({ port: 'graph', op: 'lookup', target: appIds.join(',') });
    await tick();
    const result = new Map<string, ApplicationLookup>();
    for (const appId of appIds) {
      const app = [...this.apps.values()].find((a) => a.appId.toLowerCase() === appId.toLowerCase());
      if (this.forbiddenApps.has(appId))
        result.set(appId, { kind: 'forbidden', message: 'Authorization_RequestDenied' });
      else if (!app) result.set(appId, { kind: 'not_found' });
      else {
        const info: ApplicationInfo = {
          objectId: app.objectId,
          appId: app.appId,
          displayName: app.displayName,
          tenantId: TENANT,
          passwordCredentials: this.passwordsOf(app.objectId),
        };
        if (options?.withKeyCredentials?.has(appId)) info.keyCredentials = [...app.keyCredentials];
        result.set(appId, { kind: 'found', app: info });
      }
    }
    return result;
  }

  async servicePrincipalsEnabled(appIds: readonly string[]): Promise<Map<string, boolean | null>> {
    this.journal.add({ port: 'graph', op: 'servicePrincipals', target: appIds.join(',') });
    await tick();
    const apps = [...this.apps.values()];
    return new Map(appIds.map((id) => [id, apps.find((a) => a.appId === id)?.spEnabled ?? null]));
  }

  private app(objectId: string): StoredApp {
    const app = this.apps.get(objectId);
    if (!app)
      throw new HttpError('graph.not_found', `No application ${objectId}.`, {
        service: 'graph',
        operation: 'graph.app',
        status: 404,
      });
    return app;
  }
}

/** Keys the AzureRM type defines (azure-apis.md §1.4, the emulator's list); anything else is rejected. */
const PARAMETER_KEYS = new Set(
  ['tenantid', 'serviceprincipalid', 'authenticationType', 'serviceprincipalkey', 'scope', 'accesstoken'].map(
    (k) => k.toLowerCase(),
  ),
);
const CONFIDENTIAL = new Set(['serviceprincipalkey', 'accesstoken']);

interface StoredConnection {
  /** The document without confidential values. */
  doc: EndpointDocument;
  /** Confidential parameters by lower-case key. */
  confidential: Map<string, string>;
}

type UpdateFailure = 'reject' | 'lost_request' | 'lost_response';

/** Azure DevOps: projects and service connections. */
export class FakeDevOps implements ConnectionStore, ConnectionSource {
  readonly projects: ProjectInfo[] = [];
  /** Connection ids whose PUT answers 403 (the caller is not an administrator). */
  readonly forbidden = new Set<string>();
  /** Connection ids whose PUT fails: refused (400), lost before or after it was applied. */
  readonly failUpdate = new Map<string, UpdateFailure>();
  /** Connection ids whose TestConnection fails whatever the secret. */
  readonly testFails = new Set<string>();
  /** Awaited at the start of each PUT (to order concurrent runs). */
  beforeUpdate: ((connectionId: string) => Promise<void>) | undefined;
  private readonly stored = new Map<string, StoredConnection>();

  constructor(
    private readonly journal: Journal,
    private readonly graph: FakeGraph,
  ) {}

  /** Stores a connection as created; confidential parameters are taken from `doc`. */
  seed(doc: EndpointDocument): void {
    const confidential = new Map<string, string>();
    const parameters: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(doc.authorization.parameters)) {
      if (CONFIDENTIAL.has(key.toLowerCase())) {
        if (value !== null) confidential.set(key.toLowerCase(), value);
      } else parameters[key] = value;
    }
    this.stored.set(doc.id, {
      doc: { ...structuredClone(doc), authorization: { ...doc.authorization, parameters } },
      confidential,
    });
  }

  /** The secret the connection would sign in with now (null when none is stored). */
  secretOf(connectionId: string): string | null {
    return this.stored.get(connectionId)?.confidential.get('serviceprincipalkey') ?? null;
  }

  /** What a GET would return, synchronously, for assertions. */
  view(connectionId: string): EndpointDocument | null {
    const stored = this.stored.get(connectionId);
    if (!stored) return null;
    const doc = structuredClone(stored.doc);
    for (const key of stored.confidential.keys()) doc.authorization.parameters[key] = null;
    return doc;
  }

  async get(projectId: string, connectionId: string): Promise<EndpointDocument | null> {
    this.journal.add({ port: 'devops', op: 'get', target: connectionId });
    await tick();
    const doc = this.view(connectionId);
    return doc?.serviceEndpointProjectReferences.some((r) => r.projectReference.id === projectId)
      ? doc
      : null;
  }

  async update(body: EndpointDocument): Promise<EndpointDocument> {
    const secret = param(body, 'serviceprincipalkey');
    this.journal.add({ port: 'devops', op: 'update', target: body.id, ...(secret ? { secret } : {}) });
    await this.beforeUpdate?.(body.id);
    await tick();
    const failure = this.failUpdate.get(body.id);
    if (this.forbidden.has(body.id))
      throw devopsError('devops.not_admin', 403, 'Only administrators may update it.');
    if (failure === 'reject')
      throw devopsError('devops.bad_request', 400, 'The service rejected the update.');
    if (failure === 'lost_request') throw devopsError('http.network', 0, 'socket hang up');
    this.apply(body);
    if (failure === 'lost_response') throw devopsError('http.network', 0, 'socket hang up');
    return this.view(body.id)!;
  }

  async test(
    projectId: string,
    connectionId: string,
    proposed?: EndpointDocument,
  ): Promise<TestConnectionResult> {
    const proposedSecret = proposed ? param(proposed, 'serviceprincipalkey') : null;
    this.journal.add({
      port: 'devops',
      op: proposed ? 'testProposed' : 'testStored',
      target: connectionId,
      ...(proposedSecret ? { secret: proposedSecret } : {}),
    });
    await tick();
    const stored = this.stored.get(connectionId);
    const doc = proposed ?? stored?.doc;
    const secret = proposedSecret ?? this.secretOf(connectionId);
    const appId = doc ? (param(doc, 'serviceprincipalid') ?? '') : '';
    const ok =
      !this.testFails.has(connectionId) &&
      stored !== undefined &&
      stored.doc.serviceEndpointProjectReferences.some((r) => r.projectReference.id === projectId) &&
      secret !== null &&
      this.graph.isValid(appId, secret);
    return ok
      ? { ok: true, statusCode: 'ok', message: '' }
      : { ok: false, statusCode: 'unauthorized', message: 'AADSTS7000215: Invalid client secret provided.' };
  }

  async listProjects(): Promise<ProjectInfo[]> {
    this.journal.add({ port: 'devops', op: 'listProjects', target: '' });
    await tick();
    return [...this.projects];
  }

  async listAzureRmConnections(project: ProjectInfo): Promise<ServiceConnection[]> {
    this.journal.add({ port: 'devops', op: 'listConnections', target: project.name });
    await tick();
    return [...this.stored.keys()]
      .map((id) => this.view(id)!)
      .filter((doc) => doc.serviceEndpointProjectReferences.some((r) => r.projectReference.id === project.id))
      .filter((doc) => doc.type.toLowerCase() === 'azurerm')
      .map((doc) => toServiceConnection(doc, project.id));
  }

  private apply(body: EndpointDocument): void {
    const stored = this.stored.get(body.id);
    if (!stored) throw devopsError('devops.not_found', 404, 'No such connection.');
    validate(body);
    const confidential = new Map<string, string>();
    const parameters: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(body.authorization.parameters)) {
      const lower = key.toLowerCase();
      if (!CONFIDENTIAL.has(lower)) parameters[key] = value;
      else if (value !== null) confidential.set(lower, value);
      else if (stored.confidential.has(lower)) confidential.set(lower, stored.confidential.get(lower)!); // null keeps
      // omitted: dropped
    }
    const doc: EndpointDocument = {
      ...structuredClone(body),
      authorization: { ...body.authorization, parameters },
    };
    if (Object.keys(body.authorization.parameters).some((k) => k.toLowerCase() === 'accesstoken')) {
      // support article: a PUT carrying `accesstoken` leaves the connection broken ("cache value is invalid").
      doc.isReady = false;
      doc['operationStatus'] = { state: 'Failed', statusMessage: 'cache value is invalid' };
    }
    this.stored.set(body.id, { doc, confidential });
  }
}

function validate(body: EndpointDocument): void {
  if (!body.serviceEndpointProjectReferences?.length) {
    throw devopsError('devops.bad_request', 400, 'Project reference must be set in the updated endpoint.');
  }
  const unexpected = [
    ...Object.keys(body.data).filter((k) => !AZURERM_DATA_KEYS.has(k.toLowerCase())),
    ...Object.keys(body.authorization.parameters).filter((k) => !PARAMETER_KEYS.has(k.toLowerCase())),
  ];
  if (unexpected.length) {
    throw devopsError(
      'devops.bad_request',
      400,
      `Following fields in the service connection are not expected: ${unexpected.join(', ')}`,
    );
  }
  const data = (key: string) =>
    Object.entries(body.data).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  const explicit = data('creationMode');
  const automatic = explicit
    ? explicit.toLowerCase() === 'automatic'
    : Boolean(data('spnObjectId') || data('appObjectId'));
  if (!automatic) {
    for (const field of ['spnObjectId', 'appObjectId']) {
      if (data(field)) {
        throw devopsError(
          'devops.bad_request',
          400,
          `${field} field is not expected in service connection when creationMode is set to Manual.`,
        );
      }
    }
  } else if (param(body, 'serviceprincipalid')) {
    for (const field of ['appObjectId', 'spnObjectId', 'azureSpnRoleAssignmentId']) {
      if (!data(field))
        throw devopsError('devops.bad_request', 400, `Service connection field not specified: ${field}`);
    }
  }
}

function param(doc: EndpointDocument, key: string): string | null {
  return Object.entries(doc.authorization.parameters).find(([k]) => k.toLowerCase() === key)?.[1] ?? null;
}

function devopsError(
  code: 'devops.not_admin' | 'devops.bad_request' | 'devops.not_found' | 'http.network',
  status: number,
  message: string,
): HttpError {
  return new HttpError(code, message, { service: 'devops', operation: 'devops.endpoints.update', status });
}

/** The parse the real adapter does, reduced to what the fakes' documents hold. */
function toServiceConnection(doc: EndpointDocument, projectId: string): ServiceConnection {
  const refs = doc.serviceEndpointProjectReferences;
  const here = refs.find((r) => r.projectReference.id === projectId) ?? refs[0]!;
  const mode = Object.entries(doc.data).find(([k]) => k.toLowerCase() === 'creationmode')?.[1] ?? null;
  const authType = param(doc, 'authenticationtype');
  return {
    id: doc.id,
    name: here.name,
    type: doc.type,
    url: doc.url,
    description: doc.description ?? '',
    projects: [here, ...refs.filter((r) => r !== here)].map((r) => ({
      projectId: r.projectReference.id,
      projectName: r.projectReference.name,
      connectionName: r.name,
    })),
    scheme: doc.authorization.scheme,
    authenticationType:
      authType === 'spnCertificate'
        ? 'spnCertificate'
        : doc.authorization.scheme === 'ServicePrincipal'
          ? 'spnKey'
          : null,
    creationMode: mode === 'Automatic' || mode === 'Manual' ? mode : null,
    tenantId: param(doc, 'tenantid'),
    appId: param(doc, 'serviceprincipalid'),
    environment: 'AzureCloud',
    isReady: doc.isReady !== false,
    isDisabled: doc['isDisabled'] === true,
  };
}
