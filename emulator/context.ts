import type { EmulatorClock } from './clock';
import type { SigningKey } from './core/keys';
import type { Prng } from './core/prng';
import type { FaultController } from './faults';
import type { GraphThrottles } from './graph/throttling';
import type { RequestLog } from './http/request-log';
import type { CertificateVault } from './state/key-credential-certificates';
import type { EmulatorStore } from './state/store';

/** Where the emulated services listen. */
export interface EmulatorUrls {
  /** Organization URL, `https://127.0.0.1:P1/{org}/` (what `System.CollectionUri` holds). */
  organization: string;
  /** Entra authority host, `https://127.0.0.1:P2`; a tenant authority is `{authorityHost}/{tenantId}`. */
  authorityHost: string;
  /** Microsoft Graph base URL, `https://127.0.0.1:P3` (the API is under `/v1.0`). */
  graph: string;
  /** The test API, `https://127.0.0.1:P1/_admin/`. */
  admin: string;
}

/** Everything the routes share: state, clock, faults, keys and where the services listen. */
export interface EmulatorContext {
  readonly store: EmulatorStore;
  readonly clock: EmulatorClock;
  readonly faults: FaultController;
  readonly log: RequestLog;
  readonly certificates: CertificateVault;
  readonly throttles: GraphThrottles;
  /** Entra's token-signing key. */
  readonly entraKey: SigningKey;
  /** The Azure DevOps OIDC issuer's key (workload identity federation tokens). */
  readonly oidcKey: SigningKey;
  /** Seeded generator for anything that should be reproducible (batch response order). */
  readonly random: Prng;
  /** Filled in once the servers listen (ports are ephemeral). */
  readonly urls: EmulatorUrls;
}
