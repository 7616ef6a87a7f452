import { randomUUID } from 'node:crypto';
import { adminService } from './admin/routes';
import { createClock, type EmulatorClock } from './clock';
import type { EmulatorContext, EmulatorUrls } from './context';
import { sharedSigningKey } from './core/keys';
import { createPrng } from './core/prng';
import { devopsService } from './devops/routes';
import { entraService } from './entra/routes';
import { FaultController } from './faults';
import { graphService } from './graph/routes';
import { GraphThrottles, type ThrottlingOptions } from './graph/throttling';
import type { DispatchEnvironment } from './http/dispatch';
import { type LoggedRequest, type RequestListener, RequestLog } from './http/request-log';
import { type RunningServer, startServer } from './http/server';
import { CertificateVault, type KeyCredentialMaterial } from './state/key-credential-certificates';
import { buildStore, readOrgDescription } from './state/load-org';
import type { Application, Project, ServiceConnection } from './state/model';
import type { OrgDescription } from './state/org-description';
import { type RedactedState, redactedSnapshot } from './state/snapshot';
import type { EmulatorStore } from './state/store';
import { defaultCaDir, ensureCertificateAuthority, issueLeafCertificate } from './tls';

export type { EmulatorClock } from './clock';
export type { EmulatorUrls } from './context';
export type { FaultKind, FaultRule, FaultRuleInput, FaultSettings, MalformedKind } from './faults';
export { FaultController, FaultRuleError } from './faults';
export type { ThrottlingOptions } from './graph/throttling';
export type { LoggedRequest, RequestListener } from './http/request-log';
export type { ConnectionMix, GenerateOptions } from './orgs/generate';
export { generateOrg } from './orgs/generate';
export type { KeyCredentialMaterial } from './state/key-credential-certificates';
export type { OrgDescription } from './state/org-description';
export { OrgValidationError } from './state/org-validation';
export type { RedactedSecret, RedactedState } from './state/snapshot';
export { defaultCaDir, ensureCertificateAuthority } from './tls';

/** How to start an emulator. */
export interface EmulatorOptions {
  /** The organization: a description object, or the path of a JSON file holding one. */
  readonly org: OrgDescription | string;
  /** Directory of the CA that signs the server certificate (created when missing). @default defaultCaDir() */
  readonly caDir?: string | undefined;
  /** Milliseconds added to every request. @default 0 */
  readonly latencyMs?: number;
  /** How long a new secret fails token requests (AADSTS7000215). Real world: 4–18 s. @default 0 */
  readonly propagationDelayMs?: number;
  /** Seed for fault probabilities and `$batch` response order. @default 1 */
  readonly seed?: number;
  /** Fixed ports; devops `portBase`, entra `portBase + 1`, graph `portBase + 2`. @default ephemeral */
  readonly portBase?: number;
  /** Graph quotas; `false` turns throttling off. @default Graph's documented limits */
  readonly throttling?: ThrottlingOptions | false;
  /** Emulator time at start (relative dates in the description count from here). @default now */
  readonly startTime?: Date;
  /** Whether `/_admin` calls appear in the request log. @default false */
  readonly logAdminRequests?: boolean;
}

/** Read access to the emulator's state, for assertions. Raw objects hold secrets: never print them. */
export interface EmulatorState {
  readonly store: EmulatorStore;
  application(appIdOrObjectId: string): Application | undefined;
  connection(id: string): ServiceConnection | undefined;
  project(idOrName: string): Project | undefined;
  /** The generated certificate and private key of a key credential. */
  keyCredentialCertificate(appId: string, keyId: string): Promise<KeyCredentialMaterial>;
  /** Everything, with secrets redacted (the same as `GET /_admin/state`). */
  snapshot(): RedactedState;
}

/** A running emulator. */
export interface Emulator {
  readonly urls: EmulatorUrls;
  readonly org: { readonly name: string; readonly id: string };
  /** Trust this with `NODE_EXTRA_CA_CERTS` (read at process start). */
  readonly caCertPath: string;
  /** The `System.OidcRequestUri` value for a job in a project (new GUIDs when plan/job are omitted). */
  oidcRequestUri(projectId: string, planId?: string, jobId?: string): string;
  requests(): LoggedRequest[];
  /** Forgets the request log and the connection log. */
  clearRequests(): void;
  /**
   * Every TCP connection the services accepted: the service's `host:port` and the peer's
   * `address:port` (a proxy's tunnels arrive from the proxy's address). Kept until `clearRequests`.
   */
  connections(): Array<{ host: string; peer: string }>;
  /**
   * Calls `listener` with each request's log entry the moment its response is decided (the
   * operation has taken effect) and before the response is sent, e.g. to kill a client right
   * after a write landed. Returns the function that unsubscribes.
   */
  onRequest(listener: RequestListener): () => void;
  /** Every secret text that exists or existed (emulator-only hook for secret-hygiene scans). */
  issuedSecrets(): string[];
  readonly faults: FaultController;
  readonly clock: EmulatorClock;
  readonly state: EmulatorState;
  close(): Promise<void>;
}

/** Starts the three HTTPS services (devops + admin, entra, graph) on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const clock = createClock(options.startTime);
  const description = typeof options.org === 'string' ? readOrgDescription(options.org) : options.org;
  const store = buildStore(description, clock.now());
  const [ca, entraKey, oidcKey] = await Promise.all([
    ensureCertificateAuthority(options.caDir ?? defaultCaDir()),
    sharedSigningKey('entra'),
    sharedSigningKey('oidc'),
  ]);
  const leaf = await issueLeafCertificate(ca);
  const seed = options.seed ?? 1;
  const faults = new FaultController({
    latencyMs: options.latencyMs ?? 0,
    propagationDelayMs: options.propagationDelayMs ?? 0,
    seed,
  });
  const urls: EmulatorUrls = { organization: '', authorityHost: '', graph: '', admin: '' };
  const log = new RequestLog();
  const ctx: EmulatorContext = {
    store,
    clock,
    faults,
    log,
    certificates: new CertificateVault(),
    throttles: new GraphThrottles(options.throttling ?? {}, clock),
    entraKey,
    oidcKey,
    random: createPrng(seed ^ 0x5bd1e995),
    urls,
  };
  const env: DispatchEnvironment = { clock, faults, log, logAdmin: options.logAdminRequests ?? false };
  const devops = devopsService(ctx);
  const admin = adminService(ctx);
  const entra = entraService(ctx);
  const graph = graphService(ctx, env);
  const base = options.portBase;
  const servers: RunningServer[] = [];
  try {
    servers.push(
      await startServer((req) => (req.path.startsWith('/_admin/') ? admin : devops), leaf, base ?? 0, env),
    );
    servers.push(await startServer(() => entra, leaf, base === undefined ? 0 : base + 1, env));
    servers.push(await startServer(() => graph, leaf, base === undefined ? 0 : base + 2, env));
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  const [p1, p2, p3] = servers.map((s) => s.port);
  urls.organization = `https://127.0.0.1:${p1}/${store.organization.name}/`;
  urls.admin = `https://127.0.0.1:${p1}/_admin/`;
  urls.authorityHost = `https://127.0.0.1:${p2}`;
  urls.graph = `https://127.0.0.1:${p3}`;

  return {
    urls,
    org: { ...store.organization },
    caCertPath: ca.certPath,
    oidcRequestUri: (projectId, planId = randomUUID(), jobId = randomUUID()) =>
      `${urls.organization}${projectId}/_apis/distributedtask/hubs/build/plans/${planId}/jobs/${jobId}/oidctoken`,
    requests: () => log.entries(),
    clearRequests: () => {
      log.clear();
      for (const server of servers) server.clearPeers();
    },
    connections: () =>
      servers.flatMap((server) => server.peers().map((peer) => ({ host: `127.0.0.1:${server.port}`, peer }))),
    onRequest: (listener) => log.subscribe(listener),
    issuedSecrets: () => store.issuedSecrets(),
    faults,
    clock,
    state: {
      store,
      application: (id) => store.applicationByAppId(id) ?? store.applicationByObjectId(id),
      connection: (id) => store.connection(id),
      project: (id) => store.project(id),
      keyCredentialCertificate: async (appId, keyId) => {
        const app = store.applicationByAppId(appId);
        const credential = app?.keyCredentials.find((k) => k.keyId.toLowerCase() === keyId.toLowerCase());
        if (!app || !credential) throw new Error(`No key credential ${keyId} on app ${appId}`);
        return ctx.certificates.material(app, credential);
      },
      snapshot: () => redactedSnapshot(ctx),
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
