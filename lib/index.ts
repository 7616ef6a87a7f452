/**
 * Service Connection Rotator, the library: find Azure DevOps AzureRM service connections, evaluate
 * when their Entra ID secrets expire, and rotate them with zero downtime.
 *
 * ```ts
 * import { connect } from 'service-connection-rotator';
 *
 * const rotator = connect({
 *   organizationUrl: 'https://dev.azure.com/contoso',
 *   rotator: { tenantId, appId, credential: { kind: 'secret', clientSecret } },
 *   devOps: { kind: 'pat', token: pat },
 *   projects: '*',
 *   connections: 'prod-*',
 *   warningDays: 30,
 * });
 * const inventory = await rotator.discover();
 * const plan = rotator.plan(inventory); // a dry run is the plan
 * const results = await rotator.execute(plan, { mask: registerAsSecret });
 * ```
 *
 * This is the front door: `connect`, its defaults, the data it returns, the run report built
 * from that data, and the error family. The port-level pieces (adapters, the retry policy, the
 * planner's parts) are in the `service-connection-rotator/engine` subpath. Named exports only; a
 * test pins this list so API changes are deliberate.
 */

export type { TokenProvider } from './auth/token-provider';
export type { DevOpsCredential, RotatorCredential, RotatorIdentityOptions } from './clients';
export { type Clock, systemClock } from './clock';
export {
  type ConnectOptions,
  connect,
  DEFAULT_SCOPE,
  type DiscoverCallOptions,
  type ExecuteCallOptions,
  type ExecutedResult,
  MAX_PARALLEL,
  type MigrateCallOptions,
  type PlanMigrationOptions,
  type Rotator,
  type RotatorSettings,
  type ScopeInput,
} from './connect';
export type { ProjectInfo } from './devops/types';
export { type ErrorCode, HttpError, hasCode, RotatorError, redact } from './errors';
export type { FederationFinding, FederationKind, FederationTriple } from './federation/finding';
export { DEFAULT_MAX_PARALLEL } from './http/limiter';
export type { NetworkOptions, ProxyOptions } from './http/network';
export { noProxyBypass } from './http/no-proxy';
export type { ProxyFailure } from './http/proxy-failure';
export type { DiscoveryProgress } from './inventory/discover';
export { DEFAULT_THRESHOLDS, MAX_THRESHOLD_DAYS, type ThresholdInput } from './inventory/expiry';
export type {
  Attribution,
  AttributionCheck,
  ConnectionReport,
  ConnectionStatus,
  CredentialInUse,
  DanglingCredential,
  ExpiryStatus,
  Inventory,
  Problem,
  ProblemCode,
  Thresholds,
} from './inventory/types';
export { escapeControlCharacters, logSafe, neutraliseLoggingCommands } from './log-text';
export type { Logger } from './logger';
export type { IssuerSwitch } from './migration/ports';
export type {
  MigrationJobOptions,
  MigrationJobOutcome,
  MigrationJobProgress,
  MigrationJobResult,
} from './migration/run-migration-job';
export type {
  FederationTarget,
  MigrationAction,
  MigrationEntry,
  MigrationOutcome,
  MigrationPlan,
  MigrationResult,
  MigrationSkip,
  MigrationSkipCode,
  MigrationStep,
} from './migration/types';
export { describeProblem, type InputProblem, InvalidInputError } from './options/invalid-input';
// Rules for edges that read their own settings as text (the task's `action`, `dryRun`).
export { type Checked, oneOf, yesNo } from './options/rules';
export { buildReport, type ReportInput } from './report/build-report';
export { renderSummary } from './report/markdown-summary';
export {
  type AnyReport,
  decideMergedResult,
  type MergedReport,
  mergeReports,
  type RunFailure,
  renderMergedSummary,
} from './report/merge-reports';
export { buildMigrationReport, type MigrationReportInput } from './report/migration-report';
// Where the task publishes the report for the health page (issue #18), which reads the same names.
export { REPORT_ARTIFACT_NAME, REPORT_BUILD_TAG, reportContainerFolder } from './report/report-artifact';
export {
  type ConnectionAction,
  type ConnectionRow,
  decideResult,
  type ReportTotals,
  type RunReport,
  reportTotals,
  worstFirst,
} from './report/run-report';
export type { Plan, PlanAction, PlanEntry, RotateReason } from './rotation/planner';
export {
  type AutomaticConnectionsPolicy,
  DEFAULT_ROTATION_POLICY,
  MAX_REVOKE_AFTER_HOURS,
  MAX_ROTATE_WITHIN_DAYS,
  MAX_SECRET_LIFETIME_DAYS,
  type PolicyInput,
  type RotationPolicy,
} from './rotation/policy';
export type { Issue, ResultAction, RotationResult, RotationStep, StepEvent } from './rotation/results';
export type { SkipCode, SkipReason } from './rotation/skip-reasons';
export type { JobOutcome, JobProgress, RunJobOptions } from './run-job';
