/**
 * One error family for the whole library. Callers branch on {@link RotatorError.code}, never on
 * message text. Messages are built at construction from safe parts only: no secret, no token, no
 * `Authorization` header and no response body ever reaches a message.
 */

/** Stable error codes. Add new ones here so the set stays reviewable in one place. */
export type ErrorCode =
  | 'config.invalid_input'
  | 'auth.invalid_secret'
  | 'auth.secret_expired'
  | 'auth.app_not_found'
  | 'auth.app_disabled'
  | 'auth.no_federated_credential'
  | 'auth.assertion_failed'
  | 'auth.certificate_invalid'
  | 'auth.failed'
  | 'devops.unauthorized'
  | 'devops.forbidden'
  | 'devops.not_admin'
  | 'devops.not_found'
  | 'devops.bad_request'
  | 'devops.test_connection_failed'
  | 'devops.failed'
  | 'graph.unauthorized'
  | 'graph.forbidden'
  | 'graph.not_found'
  | 'graph.bad_request'
  | 'graph.failed'
  | 'graph.ambiguous_write'
  | 'graph.key_credentials_lost'
  | 'graph.key_credentials_unreadable'
  | 'http.throttled'
  | 'http.unavailable'
  | 'http.network'
  | 'http.malformed_response'
  | 'http.timeout'
  | 'http.proxy_failed'
  | 'rotation.race_lost'
  | 'rotation.proof_failed'
  | 'rotation.aborted'
  | 'rotation.connection_changed'
  | 'migration.fic_limit'
  | 'migration.fic_conflict'
  | 'migration.subject_unexpected'
  | 'migration.conversion_failed'
  | 'migration.conversion_pending'
  | 'migration.federation_not_trusted'
  | 'migration.revert_failed'
  | 'internal';

/** Services the library talks to; used in errors, limits and logs. */
export type ServiceName = 'devops' | 'graph' | 'entra';

export interface RotatorErrorOptions {
  cause?: unknown;
  /** What the user should do about it (a role to grant, an input to change). */
  fix?: string;
}

/** Base of every error the library throws. */
export class RotatorError extends Error {
  override readonly name: string = 'RotatorError';
  readonly code: ErrorCode;
  readonly fix: string | undefined;

  constructor(code: ErrorCode, message: string, options: RotatorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fix = options.fix;
  }
}

export interface HttpErrorDetails {
  service: ServiceName;
  /** A stable operation name such as `graph.addPassword` or `devops.endpoints.update`. */
  operation: string;
  /** HTTP status; 0 when no response arrived (network failure, timeout). */
  status: number;
  /** The service's own error code when it sent one (`Authorization_RequestDenied`, `7000215`, ...). */
  serviceCode?: string;
  requestId?: string;
  /** Milliseconds the service asked us to wait, when it said so. */
  retryAfterMs?: number;
}

/** A request to one of the services failed. Carries status and identifiers, never the body. */
export class HttpError extends RotatorError {
  override readonly name: string = 'HttpError';
  readonly service: ServiceName;
  readonly operation: string;
  readonly status: number;
  readonly serviceCode: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details: HttpErrorDetails,
    options: RotatorErrorOptions = {},
  ) {
    super(code, message, options);
    this.service = details.service;
    this.operation = details.operation;
    this.status = details.status;
    this.serviceCode = details.serviceCode;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** True when `error` is a {@link RotatorError} with one of the given codes. */
export function hasCode(error: unknown, ...codes: ErrorCode[]): error is RotatorError {
  return error instanceof RotatorError && codes.includes(error.code);
}

/**
 * Replaces every occurrence of each secret in `text` with `***`. Used as a last line of defence
 * where text from a service is shown to a person.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
