/**
 * The front door (spec §11): `connect(options)` checks every option once, with the rules and
 * words the task's inputs show, and returns a {@link Rotator} bound to one organization, one
 * rotator identity, one clock and one set of limits. Its verbs are the job: `discover()`,
 * `plan()`, `execute()`, and for workload identity federation `planMigration()` and `migrate()`
 * (spec §8). Nothing is sent until a verb is called.
 *
 * Options are flat and named after the task's inputs (`warningDays`, `rotateWithinDays`, ...), so
 * an input, an option and a CLI flag (`--warning-days`) are one name, and a new input is one field
 * here and one rule beside the others of its kind (`parsePolicy`, `parseThresholds`).
 */

import { resolveCloud } from './auth/clouds';
import type { AzureClients, ClientOptions } from './clients';
import { createClients } from './clients';
import { type Clock, systemClock } from './clock';
import { DEFAULT_MAX_PARALLEL } from './http/limiter';
import { type DiscoveryProgress, discover as discoverConnections } from './inventory/discover';
import { parseThresholds, type ThresholdInput } from './inventory/expiry';
import { type FilterError, type NameFilter, parseNameFilter } from './inventory/name-filter';
import { type ProjectFilter, parseProjectFilter } from './inventory/project-filter';
import type { Inventory, Thresholds } from './inventory/types';
import { type Logger, silentLogger } from './logger';
import { executeMigration } from './migration/executor';
import { planMigration, planRevert } from './migration/planner';
import type { IssuerSwitch } from './migration/ports';
import {
  type MigrationJobOptions,
  type MigrationJobOutcome,
  runMigrationJob,
} from './migration/run-migration-job';
import { surveyMigration } from './migration/survey';
import type { MigrationPlan, MigrationResult, MigrationStep } from './migration/types';
import { type InputProblem, InvalidInputError } from './options/invalid-input';
import { httpsBaseUrl, type NumberInput, required, wholeNumber } from './options/rules';
import { executePlan } from './rotation/executor';
import { type Plan, plan as planRun } from './rotation/planner';
import { type PolicyInput, parsePolicy, type RotationPolicy } from './rotation/policy';
import type { RotationResult, StepEvent } from './rotation/results';
import { type JobOutcome, type RunJobOptions, runJob } from './run-job';

/** Every project of the organization, every connection: the defaults of `projects` and `connections`. */
export const DEFAULT_SCOPE = Object.freeze({ projects: '*', connections: '*' });

/** Largest `maxParallel` accepted. */
export const MAX_PARALLEL = 64;

/** Which connections a run looks at, in the task's words. */
export interface ScopeInput {
  /**
   * Project names, comma or newline separated, matched case-insensitively; `*` alone for every
   * project. @default '*'
   */
  projects?: string | undefined;
  /**
   * Connection names or wildcard patterns (`*`, `?`), comma or newline separated; a leading `!`
   * excludes. @default '*'
   */
  connections?: string | undefined;
}

/** What {@link connect} takes. Numbers may be given as numbers or as the text of an input. */
export interface ConnectOptions
  extends Omit<ClientOptions, 'maxParallel' | 'clock' | 'logger'>,
    ScopeInput,
    ThresholdInput,
    PolicyInput {
  /** Requests in flight per service, and connections worked on at once, 1–64. @default 8 */
  maxParallel?: NumberInput;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/** The options after checking: what the run follows. No credential is in here. */
export interface RotatorSettings {
  organizationUrl: string;
  /** The rotator identity's tenant: connections of other tenants are reported, not read. */
  tenantId: string;
  /** The filters as given (trimmed). */
  projects: string;
  connections: string;
  thresholds: Thresholds;
  policy: RotationPolicy;
  maxParallel: number;
  /** The cloud's endpoints after overrides. */
  graphUrl: string;
  authorityHost: string;
}

/** Options of {@link Rotator.discover}. */
export interface DiscoverCallOptions extends ScopeInput {
  signal?: AbortSignal;
  onProgress?: (progress: DiscoveryProgress) => void;
  /** See {@link DiscoverOptions.verifyAttribution}. @default true */
  verifyAttribution?: boolean;
}

/** Options of {@link Rotator.execute}. */
export interface ExecuteCallOptions {
  /**
   * Called with each new secret the moment Graph returns it, before anything else sees it (the
   * task registers it with `setSecret`). If it throws, that password is removed again. The
   * library itself never logs a secret. @default a no-op
   */
  mask?: (secret: string) => void;
  /**
   * Cancels: no connection starts after it; one between mint and switch removes its new password,
   * one past the switch stops at the next step boundary; the next run converges.
   */
  signal?: AbortSignal;
  onStep?: (event: StepEvent) => void;
  /** Each connection with work, as it finishes (for progress). */
  onResult?: (result: RotationResult) => void;
}

/** One connection's result, with the steps it went through in order. */
export interface ExecutedResult extends RotationResult {
  steps: StepEvent[];
}

/** Options of {@link Rotator.planMigration}. */
export interface PlanMigrationOptions {
  /** Plan `revertMigration` instead of `migrate`: no request at all. @default false */
  revert?: boolean;
  /**
   * The organization's GUID (`System.CollectionId` in a pipeline). @default read once from
   * `GET {org}/_apis/connectionData` (`instanceId`)
   */
  organizationId?: string;
}

/** Options of {@link Rotator.migrate}. */
export interface MigrateCallOptions {
  /** How a connection on the legacy issuer is switched once prepared. @default a hand-off to a person */
  issuerSwitch?: IssuerSwitch;
  signal?: AbortSignal;
  onStep?: (event: {
    connectionId: string;
    connectionName: string;
    step: MigrationStep;
    message: string;
  }) => void;
  onResult?: (result: MigrationResult) => void;
}

/** A rotator bound to one organization and identity. */
export interface Rotator {
  readonly settings: RotatorSettings;
  /** The adapters, for power users (the `engine` subpath's functions take them). */
  readonly clients: AzureClients;
  /** Finds and evaluates the connections in scope (read-only). */
  discover(options?: DiscoverCallOptions): Promise<Inventory>;
  /** What must happen next to each connection, under the bound policy, "now" by the bound clock. Pure; a dry run is this plan. */
  plan(inventory: Inventory): Plan;
  /** Performs a plan: one connection's failure never stops the others. */
  execute(plan: Plan, options?: ExecuteCallOptions): Promise<ExecutedResult[]>;
  /**
   * What `migrate` (or, with `revert`, `revertMigration`) would do to each connection of the
   * inventory (spec §8). `migrate` reads first (each connection as an Administrator, each app's
   * federated credentials); a revert plan sends nothing. A dry run is this plan.
   */
  planMigration(inventory: Inventory, options?: PlanMigrationOptions): Promise<MigrationPlan>;
  /** Performs a migration plan: one connection's failure never stops the others. */
  migrate(plan: MigrationPlan, options?: MigrateCallOptions): Promise<MigrationResult[]>;
  /** The whole job (discover; with `rotate` plan and, unless a dry run, execute) and its run report. */
  run(job: RunJobOptions): Promise<JobOutcome>;
  /** The whole `migrate` / `revertMigration` job and its run report (see {@link runMigrationJob}). */
  runMigration(job: MigrationJobOptions): Promise<MigrationJobOutcome>;
}

interface Resolved {
  settings: RotatorSettings;
  projects: ProjectFilter;
  connections: NameFilter;
}

/**
 * Checks every option and binds them.
 *
 * @throws InvalidInputError (`config.invalid_input`) naming each bad option, its value and what is
 *   allowed; nothing has been sent.
 */
export function connect(options: ConnectOptions): Rotator {
  const { settings, projects, connections } = resolve(options);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const clients = createClients({
    ...options,
    organizationUrl: settings.organizationUrl,
    graphUrl: settings.graphUrl,
    authorityHost: settings.authorityHost,
    maxParallel: settings.maxParallel,
    clock,
    logger,
  });
  let organizationId: Promise<string> | undefined;
  const rotator: Rotator = {
    settings,
    clients,
    run: (job) => runJob(rotator, () => clock.now(), job),
    runMigration: (job) => runMigrationJob(rotator, () => clock.now(), job),
    planMigration: async (inventory, call = {}) => {
      const options = { organizationId: '', revokeAfterHours: settings.policy.revokeAfterHours };
      if (call.revert) return planRevert(inventory, options, clock.now());
      if (!call.organizationId) organizationId ??= clients.devops.organizationId();
      const orgId = call.organizationId ?? (await organizationId!);
      const facts = await surveyMigration(inventory, {
        connections: clients.devops,
        applications: clients.graph,
        organizationId: orgId,
        maxParallel: settings.maxParallel,
      });
      return planMigration(inventory, facts, { ...options, organizationId: orgId }, clock.now());
    },
    migrate: (plan, call = {}) =>
      executeMigration(plan, {
        connections: clients.devops,
        credentials: clients.graph,
        clock,
        logger,
        maxParallel: settings.maxParallel,
        ...(call.issuerSwitch ? { issuerSwitch: call.issuerSwitch } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
        ...(call.onStep ? { onStep: call.onStep } : {}),
        ...(call.onResult ? { onResult: call.onResult } : {}),
      }),
    discover: (call = {}) => {
      const scope =
        call.projects === undefined && call.connections === undefined
          ? { projects, connections }
          : scopeOf({
              projects: call.projects ?? settings.projects,
              connections: call.connections ?? settings.connections,
            });
      return discoverConnections({
        organizationUrl: settings.organizationUrl,
        connectionSource: clients.devops,
        applicationSource: clients.graph,
        projects: scope.projects,
        connections: scope.connections,
        thresholds: settings.thresholds,
        rotatorTenantId: settings.tenantId,
        clock,
        logger,
        maxParallel: settings.maxParallel,
        organizationId: () => (organizationId ??= clients.devops.organizationId()),
        ...(call.signal ? { signal: call.signal } : {}),
        ...(call.onProgress ? { onProgress: call.onProgress } : {}),
        ...(call.verifyAttribution === undefined ? {} : { verifyAttribution: call.verifyAttribution }),
      });
    },
    plan: (inventory) => planRun(inventory, settings.policy, clock.now()),
    execute: async (plan, call = {}) => {
      const steps = new Map<string, StepEvent[]>();
      const results = await executePlan(plan, {
        connections: clients.devops,
        credentials: clients.graph,
        certificates: clients.graph,
        prover: clients.prover,
        clock,
        logger,
        maxParallel: settings.maxParallel,
        mask: call.mask ?? (() => {}),
        ...(call.signal ? { signal: call.signal } : {}),
        ...(call.onResult ? { onResult: call.onResult } : {}),
        onStep: (event) => {
          const list = steps.get(event.connectionId) ?? [];
          list.push(event);
          steps.set(event.connectionId, list);
          call.onStep?.(event);
        },
      });
      return results.map((r) => ({ ...r, steps: steps.get(r.connectionId) ?? [] }));
    },
  };
  return rotator;
}

/** The checks of {@link connect}, every problem at once. */
function resolve(options: ConnectOptions): Resolved {
  const problems: InputProblem[] = [];
  const take = <T>(
    checked: { ok: true; value: T } | { ok: false; problem: InputProblem },
    fallback: T,
  ): T => {
    if (checked.ok) return checked.value;
    problems.push(checked.problem);
    return fallback;
  };
  const organization = httpsBaseUrl('organizationUrl', options.organizationUrl);
  const organizationUrl = take(
    organization.ok && organization.value === null
      ? required('organizationUrl', '', "the organization's https:// URL")
      : organization,
    null,
  );
  const tenantId = take(
    required('rotator.tenantId', options.rotator?.tenantId, 'the rotator identity’s tenant id'),
    '',
  );
  if (options.rotator?.credential?.kind !== 'tokens') {
    take(
      required('rotator.appId', options.rotator?.appId, 'the rotator identity’s application (client) id'),
      '',
    );
  }
  problems.push(...credentialProblems(options));

  const scope = scopeProblems({ projects: options.projects, connections: options.connections });
  problems.push(...scope.problems);
  const thresholds = parseThresholds(options);
  problems.push(...thresholds.problems);
  const policy = parsePolicy(options);
  problems.push(...policy.problems);
  const maxParallel = take(
    wholeNumber('maxParallel', options.maxParallel, DEFAULT_MAX_PARALLEL, 1, MAX_PARALLEL),
    DEFAULT_MAX_PARALLEL,
  );
  const graphUrl = take(httpsBaseUrl('graphUrl', options.graphUrl), null);
  const authorityHost = take(httpsBaseUrl('authorityHost', options.authorityHost), null);
  if (problems.length > 0) throw new InvalidInputError(problems);

  const cloud = resolveCloud(options.rotator.environment, {
    graphUrl: graphUrl ?? undefined,
    authorityHost: authorityHost ?? undefined,
  });
  return {
    settings: {
      organizationUrl: organizationUrl ?? '',
      tenantId,
      projects: scope.text.projects,
      connections: scope.text.connections,
      thresholds: thresholds.thresholds,
      policy: policy.policy,
      maxParallel,
      graphUrl: cloud.graphUrl,
      authorityHost: cloud.authorityHost,
    },
    projects: scope.projects,
    connections: scope.connections,
  };
}

/** Presence of the credential parts; their values are secrets and never shown. */
function credentialProblems(options: ConnectOptions): InputProblem[] {
  const problems: InputProblem[] = [];
  const credential = options.rotator?.credential;
  const missing = (option: string, allowed: string) => problems.push({ option, value: '', allowed });
  if (credential?.kind === 'secret') {
    if (!credential.clientSecret) missing('rotator.credential.clientSecret', 'expected the client secret');
  } else if (credential?.kind === 'certificate') {
    if (!credential.pem?.includes('PRIVATE KEY')) {
      missing('rotator.credential.pem', 'expected a PEM holding the certificate and its private key');
    }
  } else if (credential?.kind === 'federated') {
    if (!credential.oidcRequestUri || !credential.jobToken || !credential.serviceConnectionId) {
      missing(
        'rotator.credential',
        'expected the OIDC request URI, the job access token and the service connection id for workload identity federation',
      );
    }
  } else if (credential?.kind === 'tokens') {
    if (typeof credential.tokens?.getToken !== 'function') {
      missing('rotator.credential.tokens', 'expected a token provider (an object with getToken(scope))');
    }
  } else {
    missing(
      'rotator.credential',
      "expected a credential of kind 'secret', 'certificate', 'federated' or 'tokens'",
    );
  }
  const devOps = options.devOps;
  if (devOps?.kind === 'pat' || devOps?.kind === 'bearer') {
    if (!devOps.token)
      missing(
        'devOps.token',
        `expected the ${devOps.kind === 'pat' ? 'personal access token' : 'access token'}`,
      );
  } else if (devOps?.kind !== 'rotator') {
    missing('devOps', "expected a credential of kind 'bearer', 'pat' or 'rotator'");
  }
  return problems;
}

function scopeProblems(input: ScopeInput): {
  problems: InputProblem[];
  projects: ProjectFilter;
  connections: NameFilter;
  text: { projects: string; connections: string };
} {
  const problems: InputProblem[] = [];
  const projectsText = (input.projects ?? DEFAULT_SCOPE.projects).trim();
  const connectionsText = (input.connections ?? DEFAULT_SCOPE.connections).trim();
  const projects = parseProjectFilter(projectsText);
  if (!projects.ok) {
    problems.push({
      option: 'projects',
      value: projectsText,
      allowed: projectsAllowed(projects.errors),
    });
  }
  const connections = parseNameFilter(connectionsText);
  if (!connections.ok) {
    problems.push({
      option: 'connections',
      value: connectionsText,
      allowed: sentences(connections.errors.map((e) => e.message)),
    });
  } else if (connections.filter.includes.length + connections.filter.excludes.length === 0) {
    problems.push({
      option: 'connections',
      value: connectionsText,
      allowed: "expected names or wildcard patterns, e.g. '*' or 'prod-*'",
    });
  }
  return {
    problems,
    projects: projects.ok ? projects.filter : { all: true },
    connections: connections.ok ? connections.filter : { includes: [], excludes: [] },
    text: { projects: projectsText, connections: connectionsText },
  };
}

function scopeOf(input: ScopeInput): { projects: ProjectFilter; connections: NameFilter } {
  const scope = scopeProblems(input);
  if (scope.problems.length > 0) throw new InvalidInputError(scope.problems);
  return scope;
}

/** What `projects` allows, in the words of the first kind of mistake found. */
function projectsAllowed(errors: readonly FilterError[]): string {
  if (errors.some((e) => e.entry === ''))
    return "expected project names, comma or newline separated, or '*' for all";
  if (errors.some((e) => e.entry === '*')) return "expected either '*' alone or project names, not both";
  return sentences(errors.map((e) => e.message));
}

/** Parser messages as one `allowed` text (the final period is the describer's). */
function sentences(messages: readonly string[]): string {
  return messages.join(' ').replace(/\.$/, '');
}
