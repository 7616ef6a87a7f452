import Ajv from 'ajv';
import { createPrng, type Prng } from './core/prng';
import type { FaultTarget } from './http/types';

/** What a fault does to a request (see README "Faults"). */
export type FaultKind =
  | 'throttle'
  | 'unavailable'
  | 'reset'
  | 'concurrency'
  | 'status'
  | 'malformed'
  | 'delay'
  /** `PATCH keyCredentials` answers 204 but drops one certificate it was told to keep. */
  | 'drop_key';

/**
 * The shapes Graph's concurrency refusal comes in (federation-and-certificates.md §6):
 * `conflict` 409 + `Directory_ConcurrencyViolation`; `unavailable` 503 + `ServiceUnavailable` with
 * the refusal's message; `bad_request` 400 + `Directory_ConcurrencyViolation`; `bad_request_message`
 * 400 + `Request_BadRequest`, only the message says what it is. `cycle` gives them in that order,
 * one per hit of the rule.
 */
export type ConcurrencyShape = 'conflict' | 'unavailable' | 'bad_request' | 'bad_request_message' | 'cycle';

/** The four shapes in the order `cycle` produces them. */
export const CONCURRENCY_SHAPES = ['conflict', 'unavailable', 'bad_request', 'bad_request_message'] as const;

/** How a `malformed` fault breaks the response. */
export type MalformedKind = 'truncated-json' | 'html' | 'error-200' | 'missing-fields';

/** A fault rule as written by a test or sent to `/_admin/faults`. */
export interface FaultRuleInput {
  readonly id?: string;
  readonly service?: 'devops' | 'entra' | 'graph';
  /** An exact operation name, or a prefix ending in `.` or `*` (`graph.`, `devops.endpoints.*`). */
  readonly operation?: string;
  readonly method?: string;
  readonly match?: Readonly<FaultTarget>;
  readonly kind: FaultKind;
  /** Chance (0–1) that a matching request is hit, drawn from the seeded generator. @default 1 */
  readonly probability?: number;
  /** How many hits before the rule expires. @default unlimited */
  readonly times?: number;
  /** Perform the operation first, then fail or reset (a timeout after the effect happened). */
  readonly afterEffect?: boolean;
  /** HTTP status for `status`, `concurrency` (default 409), `unavailable` (503), `malformed: html` (502). */
  readonly status?: number;
  /** `Retry-After` seconds for `throttle` and `unavailable`. @default 1 */
  readonly retryAfterSeconds?: number;
  /** For `throttle`: send `retry-after-ms` and `x-ms-retry-after-ms` with this value instead. */
  readonly retryAfterMs?: number;
  /** For `throttle`/`unavailable`: send no retry hint at all. */
  readonly omitRetryAfter?: boolean;
  readonly malformed?: MalformedKind;
  /**
   * For `concurrency`: which shape of the refusal (`Retry-After` only when `retryAfterSeconds` or
   * `retryAfterMs` is given). @default 'conflict' (`status` still overrides its status)
   */
  readonly shape?: ConcurrencyShape;
  /** For `malformed: 'missing-fields'`: top-level fields left out of the real answer (`afterEffect`). */
  readonly fields?: readonly string[];
  /** Extra latency for `delay`. */
  readonly delayMs?: number;
  /** Replaces the default error message. */
  readonly message?: string;
}

/** A rule in force, with its bookkeeping. */
export interface FaultRule extends FaultRuleInput {
  readonly id: string;
  hits: number;
  /** Hits left before the rule expires; null when unlimited. */
  remaining: number | null;
}

/** Global fault settings and rules. */
export interface FaultSettings {
  latencyMs: number;
  propagationDelayMs: number;
  seed: number;
  rules: FaultRule[];
}

/** The request a rule is matched against. */
export interface FaultProbe {
  readonly service: string;
  readonly operation: string;
  readonly method: string;
  readonly target: FaultTarget;
}

/** A rule that was rejected. */
export class FaultRuleError extends Error {
  override readonly name = 'FaultRuleError';
}

const ruleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    id: { type: 'string', minLength: 1 },
    service: { enum: ['devops', 'entra', 'graph'] },
    operation: { type: 'string', minLength: 1 },
    method: { type: 'string', minLength: 1 },
    match: {
      type: 'object',
      additionalProperties: false,
      properties: {
        appId: { type: 'string' },
        connectionId: { type: 'string' },
        tenantId: { type: 'string' },
        projectId: { type: 'string' },
      },
    },
    kind: {
      enum: ['throttle', 'unavailable', 'reset', 'concurrency', 'status', 'malformed', 'delay', 'drop_key'],
    },
    probability: { type: 'number', minimum: 0, maximum: 1 },
    times: { type: 'integer', minimum: 1 },
    afterEffect: { type: 'boolean' },
    status: { type: 'integer', minimum: 100, maximum: 599 },
    retryAfterSeconds: { type: 'number', minimum: 0 },
    retryAfterMs: { type: 'number', minimum: 0 },
    omitRetryAfter: { type: 'boolean' },
    malformed: { enum: ['truncated-json', 'html', 'error-200', 'missing-fields'] },
    shape: { enum: ['conflict', 'unavailable', 'bad_request', 'bad_request_message', 'cycle'] },
    fields: { type: 'array', items: { type: 'string', minLength: 1 } },
    delayMs: { type: 'number', minimum: 0 },
    message: { type: 'string' },
  },
} as const;

/** Fields a kind cannot do without. */
const REQUIRED_BY_KIND: Partial<Record<FaultKind, keyof FaultRuleInput>> = {
  status: 'status',
  malformed: 'malformed',
  delay: 'delayMs',
};
const validateRule = new Ajv({ allErrors: true }).compile(ruleSchema);

function matches(rule: FaultRule, probe: FaultProbe): boolean {
  if (rule.service && rule.service !== probe.service) return false;
  if (rule.method && rule.method.toUpperCase() !== probe.method) return false;
  if (rule.operation) {
    const op = rule.operation;
    const prefix = op.endsWith('*') ? op.slice(0, -1) : op.endsWith('.') ? op : null;
    if (prefix !== null ? !probe.operation.startsWith(prefix) : op !== probe.operation) return false;
  }
  for (const [key, wanted] of Object.entries(rule.match ?? {})) {
    const actual = probe.target[key as keyof FaultTarget];
    if (actual === undefined || actual.toLowerCase() !== String(wanted).toLowerCase()) return false;
  }
  return true;
}

/**
 * Faults on demand: global latency and secret propagation delay, plus rules that hit matching
 * requests. Rules are checked in order; every firing `delay` rule adds latency and the first
 * firing rule of another kind decides the fault.
 */
export class FaultController {
  private settings: FaultSettings;
  private random: Prng;
  private nextId = 1;

  constructor(private readonly initial: Omit<FaultSettings, 'rules'>) {
    this.settings = { ...initial, rules: [] };
    this.random = createPrng(initial.seed);
  }

  /** Milliseconds added to every request. */
  get latencyMs(): number {
    return this.settings.latencyMs;
  }
  set latencyMs(value: number) {
    this.settings.latencyMs = nonNegative(value, 'latencyMs');
  }

  /** How long a newly minted secret keeps failing (AADSTS7000215) before it works. */
  get propagationDelayMs(): number {
    return this.settings.propagationDelayMs;
  }
  set propagationDelayMs(value: number) {
    this.settings.propagationDelayMs = nonNegative(value, 'propagationDelayMs');
  }

  /** Adds a rule; throws `FaultRuleError` when it is not valid. */
  add(input: FaultRuleInput): FaultRule {
    if (!validateRule(input)) {
      const detail = (validateRule.errors ?? [])
        .map((e) => `${e.instancePath || 'rule'} ${e.message}`)
        .join('; ');
      throw new FaultRuleError(`Invalid fault rule: ${detail}`);
    }
    const required = REQUIRED_BY_KIND[input.kind];
    if (required && input[required] === undefined) {
      throw new FaultRuleError(`Invalid fault rule: kind "${input.kind}" needs "${required}"`);
    }
    const id = input.id ?? `fault-${this.nextId++}`;
    if (this.settings.rules.some((r) => r.id === id))
      throw new FaultRuleError(`A fault rule "${id}" exists already`);
    const rule: FaultRule = { ...input, id, hits: 0, remaining: input.times ?? null };
    this.settings.rules.push(rule);
    return rule;
  }

  /** Removes one rule; false when there is none with that id. */
  remove(id: string): boolean {
    const before = this.settings.rules.length;
    this.settings.rules = this.settings.rules.filter((r) => r.id !== id);
    return this.settings.rules.length < before;
  }

  /** Removes every rule. */
  clear(): void {
    this.settings.rules = [];
  }

  /** Back to the start: no rules, the latency, propagation delay and seed the emulator started with. */
  reset(): void {
    this.settings = { ...this.initial, rules: [] };
    this.random = createPrng(this.initial.seed);
  }

  /** Replaces settings (those given) and, when `rules` is given, every rule. */
  configure(update: {
    latencyMs?: number;
    propagationDelayMs?: number;
    seed?: number;
    rules?: FaultRuleInput[];
  }): void {
    const rules = update.rules;
    if (rules) {
      const previous = this.settings.rules;
      this.settings.rules = [];
      try {
        for (const rule of rules) this.add(rule);
      } catch (error) {
        this.settings.rules = previous;
        throw error;
      }
    }
    if (update.latencyMs !== undefined) this.latencyMs = update.latencyMs;
    if (update.propagationDelayMs !== undefined) this.propagationDelayMs = update.propagationDelayMs;
    if (update.seed !== undefined) {
      this.settings.seed = update.seed;
      this.random = createPrng(update.seed);
    }
  }

  /** A copy of the settings and rules. */
  list(): FaultSettings {
    return { ...this.settings, rules: this.settings.rules.map((r) => ({ ...r })) };
  }

  /** Decides what happens to one request. Counts hits and expires spent rules. */
  evaluate(probe: FaultProbe): { delayMs: number; fault: FaultRule | null } {
    let delayMs = 0;
    let fault: FaultRule | null = null;
    for (const rule of this.settings.rules) {
      if (rule.kind !== 'delay' && fault) continue;
      if (!matches(rule, probe)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.hits += 1;
      if (rule.remaining !== null) rule.remaining -= 1;
      if (rule.kind === 'delay') delayMs += rule.delayMs ?? 0;
      else fault = { ...rule };
    }
    this.settings.rules = this.settings.rules.filter((r) => r.remaining !== 0);
    return { delayMs, fault };
  }
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new FaultRuleError(`${name} must be a number >= 0`);
  return value;
}
