/**
 * Wires the adapters for one organization and one rotator identity: the Azure DevOps client, the
 * Graph client of the rotator's tenant, the credential prover, and the limits they share. The
 * front door (`connect`, in `connect.ts`) calls it once with validated options; power users and
 * tests get it from the `engine` subpath to call `discover`, `plan` and `executePlan` themselves.
 */
import { AZURE_DEVOPS_SCOPE, type CloudEndpoints, graphScope, resolveCloud } from './auth/clouds';
import { MsalCredentialProver } from './auth/credential-prover';
import { type CredentialInput, MsalTokenProvider } from './auth/msal-token-provider';
import { oidcAssertionSource } from './auth/oidc-assertion';
import { staticTokenProvider, type TokenProvider } from './auth/token-provider';
import { type Clock, systemClock } from './clock';
import { DevOpsClient } from './devops/devops-client';
import type { DevOpsAuthentication } from './devops/devops-session';
import { GraphClient } from './graph/graph-client';
import { createServiceLimiters, DEFAULT_MAX_PARALLEL, type ServiceLimiters } from './http/limiter';
import { Network, type NetworkOptions } from './http/network';
import { WritePacer } from './http/write-pacer';
import { type Logger, silentLogger } from './logger';

/** How the rotator identity signs in to Entra ID. */
export type RotatorCredential =
  | { kind: 'secret'; clientSecret: string }
  /** PEM holding the certificate and its private key. */
  | { kind: 'certificate'; pem: string }
  /**
   * Workload identity federation: a fresh Azure DevOps OIDC token for the rotator's service
   * connection is exchanged for each Entra token (`System.OidcRequestUri` and the job token).
   */
  | { kind: 'federated'; oidcRequestUri: string; jobToken: string; serviceConnectionId: string }
  /**
   * Tokens the caller obtains itself, for any scope (the CLI's signed-in Azure CLI). They serve
   * Graph and, with `devOps: { kind: 'rotator' }`, Azure DevOps; `appId` is not needed.
   */
  | { kind: 'tokens'; tokens: TokenProvider };

/** The identity that reads and writes application credentials. */
export interface RotatorIdentityOptions {
  tenantId: string;
  /** Application (client) id; required except with credential kind `tokens`. */
  appId?: string;
  /** The rotator connection's `data.environment`. @default 'AzureCloud' */
  environment?: string;
  credential: RotatorCredential;
}

/** How to call Azure DevOps. */
export type DevOpsCredential =
  | { kind: 'bearer'; token: string }
  | { kind: 'pat'; token: string }
  /** An Entra token of the rotator identity (its service principal must be a user of the organization). */
  | { kind: 'rotator' };

/** What {@link createClients} needs; the front door's `ConnectOptions` are these plus the run's settings. */
export interface ClientOptions {
  /** Organization URL, e.g. `https://dev.azure.com/contoso`. */
  organizationUrl: string;
  rotator: RotatorIdentityOptions;
  devOps: DevOpsCredential;
  /** Overrides of the cloud's Graph URL and authority host. */
  graphUrl?: string | undefined;
  authorityHost?: string | undefined;
  /** Requests in flight per service. @default 8 */
  maxParallel?: number;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Proxy (with bypass list) and CA certificates, applied to Azure DevOps, Entra ID and Graph alike.
   * @default direct, Node's roots
   */
  network?: NetworkOptions | undefined;
}

/** Everything discovery and rotation need, ready to use. */
export interface AzureClients {
  cloud: CloudEndpoints;
  devops: DevOpsClient;
  graph: GraphClient;
  prover: MsalCredentialProver;
  /** Tokens of the rotator identity (Graph, Azure DevOps). */
  rotatorTokens: TokenProvider;
  limiters: ServiceLimiters;
  /** The proxy and CA configuration in use; undefined when requests go direct with Node's roots. */
  network: Network | undefined;
}

/** Builds the clients. Sends no request: the first token or call happens on first use. */
export function createClients(options: ClientOptions): AzureClients {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const limiters = createServiceLimiters(options.maxParallel ?? DEFAULT_MAX_PARALLEL);
  const network =
    options.network?.proxy || options.network?.caFile ? new Network(options.network) : undefined;
  const viaNetwork = network ? { fetch: network.fetch } : {};
  const cloud = resolveCloud(options.rotator.environment, {
    graphUrl: options.graphUrl,
    authorityHost: options.authorityHost,
  });

  const rotatorTokens = msalTokens(options, cloud.authorityHost, { clock, logger, limiters, viaNetwork });

  const authentication: DevOpsAuthentication =
    options.devOps.kind === 'pat'
      ? { kind: 'pat', token: options.devOps.token }
      : options.devOps.kind === 'bearer'
        ? {
            kind: 'bearer',
            tokenProvider: staticTokenProvider(options.devOps.token),
            scope: AZURE_DEVOPS_SCOPE,
          }
        : { kind: 'bearer', tokenProvider: rotatorTokens, scope: AZURE_DEVOPS_SCOPE };

  const devops = new DevOpsClient({
    organizationUrl: options.organizationUrl,
    authentication,
    clock,
    logger,
    limiter: limiters.devops,
    network,
  });
  const graph = new GraphClient({
    graphUrl: cloud.graphUrl,
    tenantId: options.rotator.tenantId,
    tokenProvider: rotatorTokens,
    clock,
    logger,
    limiter: limiters.graph,
    pacer: new WritePacer({ clock }),
    ...viaNetwork,
  });
  const prover = new MsalCredentialProver({
    authorityHost: cloud.authorityHost,
    scope: graphScope(cloud.graphUrl),
    clock,
    logger,
    limiter: limiters.entra,
    ...viaNetwork,
  });
  return { cloud, devops, graph, prover, rotatorTokens, limiters, network };
}

/**
 * The rotator's tokens: the caller's own provider (`tokens`), or msal-node client credentials with a
 * secret, a certificate or a federated assertion.
 */
function msalTokens(
  options: ClientOptions,
  authorityHost: string,
  shared: { clock: Clock; logger: Logger; limiters: ServiceLimiters; viaNetwork: { fetch?: typeof fetch } },
): TokenProvider {
  const { clock, logger, limiters, viaNetwork } = shared;
  const given = options.rotator.credential;
  let credential: CredentialInput;
  switch (given.kind) {
    case 'federated':
      credential = {
        kind: 'assertion',
        getAssertion: oidcAssertionSource({
          oidcRequestUri: given.oidcRequestUri,
          serviceConnectionId: given.serviceConnectionId,
          jobToken: staticTokenProvider(given.jobToken),
          clock,
          logger,
          limiter: limiters.devops,
          ...viaNetwork,
        }),
      };
      break;
    case 'secret':
      credential = { kind: 'secret', clientSecret: given.clientSecret };
      break;
    case 'certificate':
      credential = { kind: 'certificate', pem: given.pem };
      break;
    case 'tokens':
      return given.tokens;
  }
  return new MsalTokenProvider({
    tenantId: options.rotator.tenantId,
    clientId: options.rotator.appId ?? '',
    credential,
    authorityHost,
    clock,
    logger,
    limiter: limiters.entra,
    ...viaNetwork,
  });
}
