/**
 * msal-node errors → {@link HttpError}s with `auth.*` codes, by the AADSTS number.
 *
 * msal surfaces a token-endpoint error as `ServerError` with `errorCode` (the OAuth `error`, e.g.
 * `invalid_client`), `errorNo` (the first of `error_codes`, e.g. "7000215") and `status`
 * (task-ecosystem.md §8). Codes and meanings: ENTRADOCS `reference-error-codes.md`, azure-apis.md §3.
 * msal's own `message` carries the service's `error_description`: it is never reused. Messages here
 * name the tenant and app (not secrets) and the AADSTS number.
 */
import { type ErrorCode, HttpError } from '../errors';

/** AADSTS number → code and what to do (`{app}`, `{tenant}` are filled in). */
const BY_AADSTS: Readonly<Record<string, { code: ErrorCode; fix: string }>> = {
  '7000215': {
    code: 'auth.invalid_secret',
    fix: 'The client secret is not valid for app {app}: use a current secret (a new one can take a minute to propagate).',
  },
  '7000222': {
    code: 'auth.secret_expired',
    fix: 'The client secret of app {app} has expired: create a new secret and update the service connection.',
  },
  '700016': {
    code: 'auth.app_not_found',
    fix: 'No application with appId {app} in tenant {tenant}: check the service principal id and tenant id of the connection.',
  },
  '7000229': {
    code: 'auth.app_not_found',
    fix: 'Application {app} has no service principal in tenant {tenant}: provision it in that tenant.',
  },
  '7000112': {
    code: 'auth.app_disabled',
    fix: 'Application {app} is disabled in tenant {tenant}: enable its service principal (Enterprise applications).',
  },
  '70021': {
    code: 'auth.no_federated_credential',
    fix: 'No federated credential of app {app} matches the issuer and subject of the service connection: add one with the values shown on the connection.',
  },
  '700211': {
    code: 'auth.no_federated_credential',
    fix: 'The issuer of the federated token is not accepted for app {app}: check the federated credential issuer.',
  },
  '700223': {
    code: 'auth.assertion_failed',
    fix: 'Workload identity federation is restricted in tenant {tenant}: ask an administrator to allow it.',
  },
  '700238': {
    code: 'auth.assertion_failed',
    fix: 'The Azure DevOps issuer is not allowed in tenant {tenant}: use the Entra issuer or ask an administrator.',
  },
  '700024': {
    code: 'auth.assertion_failed',
    fix: 'The federated token is outside its validity window: request a fresh token (check the agent clock).',
  },
  '700027': {
    code: 'auth.certificate_invalid',
    fix: 'The certificate assertion was rejected: upload the certificate to app {app} or use the matching private key.',
  },
  '7000218': {
    code: 'auth.failed',
    fix: 'The token request carried no client credential: configure a secret, certificate or federated token.',
  },
  '90002': {
    code: 'auth.app_not_found',
    fix: 'Tenant {tenant} was not found: check the tenant id of the connection.',
  },
};

/** msal error codes (not AADSTS) that mean the network, not the credential, failed. */
const NETWORK_CODES: ReadonlySet<string> = new Set(['network_error', 'endpoints_resolution_error']);

/** Who was signing in, for messages. */
export interface TokenRequestContext {
  tenantId: string;
  appId: string;
  /** HTTP status of the token endpoint's answer, when known. */
  status?: number | undefined;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
}

/** The AADSTS number of an msal error, as a string of digits, when it carries one. */
export function aadstsNumber(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const errorNo = (error as { errorNo?: unknown }).errorNo;
  if (typeof errorNo === 'number' && Number.isInteger(errorNo)) return String(errorNo);
  if (typeof errorNo === 'string' && /^\d{1,10}$/.test(errorNo.trim())) return errorNo.trim();
  // msal builds its message as "Error(s): 7000215,... - Timestamp: ..." (ResponseHandler);
  // only the digits are taken from it.
  const message = (error as { errorMessage?: unknown }).errorMessage;
  const match = typeof message === 'string' ? /Error\(s\): (\d{1,10})/.exec(message) : null;
  return match?.[1];
}

/** Maps an error thrown by msal-node (or by our network module under it) to an `HttpError`. */
export function mapMsalError(error: unknown, context: TokenRequestContext): HttpError {
  const number = aadstsNumber(error);
  const msalCode = safeMsalCode(error);
  const status = context.status ?? statusOf(error);
  const known = number === undefined ? undefined : BY_AADSTS[number];
  let code: ErrorCode;
  if (known) code = known.code;
  else if (status === 429) code = 'http.throttled';
  else if (status >= 500) code = 'http.unavailable';
  else if (msalCode !== undefined && NETWORK_CODES.has(msalCode)) code = 'http.network';
  else code = 'auth.failed';

  const detail = number ? `AADSTS${number}` : (msalCode ?? 'unknown error');
  const message =
    `Token request for app ${context.appId} in tenant ${context.tenantId} failed: ${detail}` +
    (status > 0 ? ` (HTTP ${status})` : '') +
    (context.requestId ? `; request id ${context.requestId}` : '');
  const fix = known?.fix.replaceAll('{app}', context.appId).replaceAll('{tenant}', context.tenantId);
  return new HttpError(
    code,
    message,
    {
      service: 'entra',
      operation: 'entra.token',
      status,
      ...(number === undefined
        ? msalCode === undefined
          ? {}
          : { serviceCode: msalCode }
        : { serviceCode: number }),
      ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
      ...(context.retryAfterMs === undefined ? {} : { retryAfterMs: context.retryAfterMs }),
    },
    fix === undefined ? {} : { fix },
  );
}

function statusOf(error: unknown): number {
  const status =
    typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' && Number.isInteger(status) ? status : 0;
}

function safeMsalCode(error: unknown): string | undefined {
  const code =
    typeof error === 'object' && error !== null ? (error as { errorCode?: unknown }).errorCode : undefined;
  return typeof code === 'string' && /^[a-z0-9_]{1,60}$/i.test(code) ? code : undefined;
}
