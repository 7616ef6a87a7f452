/**
 * `service-connection-rotator/engine`: the port-level pieces the front door (`connect`, in the
 * package's main entry) is built from, for tests and power users who wire their own adapters or
 * drive `discover`, `plan` and `executePlan` themselves:
 *
 * ```ts
 * import { createClients, discover, executePlan, plan } from 'service-connection-rotator/engine';
 * ```
 *
 * Options here are not checked the way `connect` checks them: callers pass parsed values (for
 * example `parseNameFilter(...).filter`, `parsePolicy(...)`). Named exports only; a test pins
 * this list so changes are deliberate.
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
export { PropagationSchedule, type PropagationScheduleOptions } from './auth/propagation-schedule';
export { staticTokenProvider, type TokenProvider } from './auth/token-provider';
// Wiring
export {
  type AzureClients,
  type ClientOptions,
  createClients,
  type DevOpsCredential,
  type RotatorCredential,
  type RotatorIdentityOptions,
} from './clients';
export { type Clock, MS_PER_DAY, MS_PER_HOUR, systemClock } from './clock';
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
// Workload identity federation: issuers and subjects (spec §7, §8)
export {
  AZURE_DEVOPS_ISSUER_PREFIX,
  azureDevOpsIssuer,
  classifyIssuer,
  entraIssuer,
  ISSUER_RETIREMENT,
  ISSUER_RETIREMENT_MS,
  type IssuerKind,
  isAzureDevOpsIssuer,
  isGuid,
  PUBLIC_AUTHORITY_HOST,
  TOKEN_EXCHANGE_AUDIENCE,
  VISUAL_STUDIO_ISSUER,
} from './federation/issuers';
export {
  AZURE_DEVOPS_APP_SEGMENT,
  type AzureDevOpsSubjectNames,
  azureDevOpsSubject,
  type EntraSubjectIds,
  encodeGuid,
  entraSubject,
  guidBytes,
  guidFromBytes,
  type ParsedEntraSubject,
  parseAzureDevOpsSubject,
  parseEntraSubject,
} from './federation/subjects';
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
export { Network, type NetworkOptions, type NodeApiNetworkOptions, type ProxyOptions } from './http/network';
export { type ProxyFailure, ProxyFailureError } from './http/proxy-failure';
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
export {
  DEFAULT_THRESHOLDS,
  daysLeft,
  expiryStatus,
  MAX_THRESHOLD_DAYS,
  parseThresholds,
  type ThresholdInput,
  worstStatus,
} from './inventory/expiry';
export {
  escapeNamePattern,
  type FilterError,
  type FilterParseResult,
  matchesAnyName,
  matchesName,
  type NameFilter,
  parseNameFilter,
} from './inventory/name-filter';
export type { ApplicationLookupSession, ApplicationSource, ConnectionSource } from './inventory/ports';
export {
  type ProjectFilter,
  type ProjectSelection,
  parseProjectFilter,
  selectProjects,
  splitList,
} from './inventory/project-filter';
export {
  type Attribution,
  type AttributionCheck,
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
export {
  type AttributionTest,
  applyAttributionCheck,
  needsAttributionCheck,
} from './inventory/verify-attribution';
export { type Logger, silentLogger } from './logger';
// Migration to workload identity federation (spec §8)
export { type EnsuredFic, ensureFederatedCredential } from './migration/ensure-fic';
export { executeMigration, type MigrationExecuteOptions } from './migration/executor';
export { ficNameFor, formatFicDescription, replacedFic } from './migration/fic-naming';
export { type MigrationPlanOptions, planMigration, planRevert, portalUrl } from './migration/planner';
export {
  type FederatedCredentialStore,
  handOffIssuerSwitch,
  type IssuerSwitch,
  type MigrationConnectionStore,
  type NewFederatedCredential,
} from './migration/ports';
export { MAX_FEDERATED_CREDENTIALS, migrationSkip } from './migration/skip-reasons';
export { type MigrationApplicationSource, type SurveyOptions, surveyMigration } from './migration/survey';
export type {
  FederationTarget,
  MigrationAction,
  MigrationEntry,
  MigrationFacts,
  MigrationOutcome,
  MigrationPlan,
  MigrationResult,
  MigrationSkip,
  MigrationSkipCode,
  MigrationStep,
} from './migration/types';
export { describeProblem, type InputProblem, InvalidInputError } from './options/invalid-input';
export {
  type Checked,
  httpsBaseUrl,
  type NumberInput,
  oneOf,
  required,
  wholeNumber,
  yesNo,
} from './options/rules';
export { DEFAULT_MAX_IN_PROGRESS, type ExecuteOptions, executePlan } from './rotation/executor';
export { formatMarker, type Marker, parseMarker } from './rotation/marker';
// Rotation
export { type Plan, type PlanAction, type PlanEntry, plan, type RotateReason } from './rotation/planner';
export {
  type AutomaticConnectionsPolicy,
  DEFAULT_ROTATION_POLICY,
  MAX_REVOKE_AFTER_HOURS,
  MAX_ROTATE_WITHIN_DAYS,
  MAX_SECRET_LIFETIME_DAYS,
  type PolicyInput,
  parsePolicy,
  type RotationPolicy,
} from './rotation/policy';
export type { ConnectionStore, CredentialProver, CredentialStore } from './rotation/ports';
export { parseRecord, type RotationRecord, userDescription, withRecord } from './rotation/record';
export type { Issue, ResultAction, RotationResult, RotationStep, StepEvent } from './rotation/results';
export type { SkipCode, SkipReason } from './rotation/skip-reasons';
