/**
 * Service Connection Rotator, the library: find Azure DevOps AzureRM service connections, evaluate
 * when their Entra ID secrets expire, and rotate them with zero downtime.
 *
 * ```ts
 * import { connect, discover, parseNameFilter, parseProjectFilter } from 'service-connection-rotator';
 *
 * const clients = connect({ organizationUrl, rotator, devOps: { kind: 'bearer', token } });
 * const inventory = await discover({
 *   organizationUrl,
 *   connectionSource: clients.devops,
 *   applicationSource: clients.graph,
 *   projects: { all: true },
 *   connections: parseNameFilter('*').filter,
 *   thresholds: { warningDays: 30, failureDays: 7 },
 *   rotatorTenantId: rotator.tenantId,
 *   clock: systemClock,
 * });
 * ```
 *
 * Named exports only; a test pins this list so API changes are deliberate.
 */

export { type ParsedCertificate, parseCertificatePem } from './auth/certificate';
export {
  AZURE_DEVOPS_RESOURCE_ID,
  AZURE_DEVOPS_SCOPE,
  type CloudEndpoints,
  type CloudOverrides,
  graphScope,
  resolveCloud,
} from './auth/clouds';
export { type CredentialProverOptions, MsalCredentialProver } from './auth/credential-prover';
export {
  type CredentialInput,
  MsalTokenProvider,
  type MsalTokenProviderOptions,
} from './auth/msal-token-provider';
export { type OidcAssertionOptions, oidcAssertionSource } from './auth/oidc-assertion';
export { staticTokenProvider, type TokenProvider } from './auth/token-provider';
export { type Clock, MS_PER_DAY, MS_PER_HOUR, systemClock } from './clock';
// Wiring
export {
  type AzureClients,
  type ConnectOptions,
  connect,
  type DevOpsCredential,
  type RotatorCredential,
  type RotatorIdentityOptions,
} from './connect';
// Adapters and the pieces they are made of
export { DevOpsClient, type DevOpsClientOptions, notAdminFix } from './devops/devops-client';
export type { DevOpsAuthentication } from './devops/devops-session';
export { mergeByConnectionId, parseServiceConnection } from './devops/service-connection';
export type {
  AuthScheme,
  ConnectionProjectRef,
  EndpointDocument,
  ProjectInfo,
  ServiceConnection,
  TestConnectionResult,
} from './devops/types';
export {
  type ErrorCode,
  HttpError,
  type HttpErrorDetails,
  hasCode,
  RotatorError,
  type RotatorErrorOptions,
  redact,
  type ServiceName,
} from './errors';
export { GraphClient, type GraphClientOptions } from './graph/graph-client';
export type {
  ApplicationInfo,
  ApplicationLookup,
  FederatedCredentialInfo,
  KeyCredentialInfo,
  NewPassword,
  PasswordCredentialInfo,
} from './graph/types';
export {
  createLimiter,
  createServiceLimiters,
  DEFAULT_MAX_PARALLEL,
  type Limiter,
  type ServiceLimiters,
} from './http/limiter';
export { retryAfterMs } from './http/retry-after';
export {
  type AttemptOutcome,
  backoff,
  CONCURRENCY_VIOLATION,
  DEFAULT_RETRY_OPTIONS,
  decideRetry,
  isDefiniteRefusal,
  type NetworkErrorKind,
  type RetryDecision,
  type RetryOptions,
  type RetryState,
} from './http/retry-policy';
export { WritePacer, type WritePacerOptions } from './http/write-pacer';
export { type AttributionResult, attributeCertificate, attributeSecret } from './inventory/attribution';
// Discovery and expiry
export { type DiscoverOptions, type DiscoveryProgress, discover } from './inventory/discover';
export { evaluateConnection, isSecretlessScheme } from './inventory/evaluate';
export { daysLeft, expiryStatus, validateThresholds, worstStatus } from './inventory/expiry';
export {
  escapeNamePattern,
  type FilterError,
  type FilterParseResult,
  matchesAnyName,
  matchesName,
  type NameFilter,
  parseNameFilter,
} from './inventory/name-filter';
export type { ApplicationSource, ConnectionSource } from './inventory/ports';
export {
  type ProjectFilter,
  type ProjectSelection,
  parseProjectFilter,
  selectProjects,
} from './inventory/project-filter';
export {
  type Attribution,
  applicationKey,
  type ConnectionReport,
  type ConnectionStatus,
  type CredentialInUse,
  type ExpiryStatus,
  type Inventory,
  type Problem,
  type ProblemCode,
  type Thresholds,
} from './inventory/types';
export { type Logger, silentLogger } from './logger';
export { type ExecuteOptions, executePlan } from './rotation/executor';
export { formatMarker, type Marker, parseMarker } from './rotation/marker';
// Rotation
export { type Plan, type PlanAction, type PlanEntry, plan, type RotateReason } from './rotation/planner';
export {
  type AutomaticConnectionsPolicy,
  DEFAULT_ROTATION_POLICY,
  MAX_SECRET_LIFETIME_DAYS,
  type RotationPolicy,
  validatePolicy,
} from './rotation/policy';
export type { ConnectionStore, CredentialProver, CredentialStore } from './rotation/ports';
export { parseRecord, type RotationRecord, userDescription, withRecord } from './rotation/record';
export type { Issue, ResultAction, RotationResult, RotationStep, StepEvent } from './rotation/results';
export type { SkipCode, SkipReason } from './rotation/skip-reasons';
