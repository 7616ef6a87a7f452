/**
 * Microsoft Graph JSON → the library's shapes (GRAPHDOCS `resources/application.md`,
 * `passwordcredential.md`, `keycredential.md`, `federatedidentitycredential.md`). Tolerant of
 * missing fields; never keeps `secretText` except in {@link parseNewPassword}.
 */
import type {
  ApplicationInfo,
  FederatedCredentialInfo,
  KeyCredentialInfo,
  NewPassword,
  PasswordCredentialInfo,
} from './types';

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** One `passwordCredential`, without `secretText`. */
export function parsePasswordCredential(value: unknown): PasswordCredentialInfo | null {
  const item = asObject(value);
  const keyId = text(item['keyId']);
  if (!keyId) return null;
  return {
    keyId: keyId.toLowerCase(),
    displayName: text(item['displayName']),
    startDateTime: text(item['startDateTime']),
    endDateTime: text(item['endDateTime']),
    hint: text(item['hint']),
  };
}

/** One `keyCredential` (certificate metadata; the key itself is never selected). */
export function parseKeyCredential(value: unknown): KeyCredentialInfo | null {
  const item = asObject(value);
  const keyId = text(item['keyId']);
  if (!keyId) return null;
  return {
    keyId: keyId.toLowerCase(),
    displayName: text(item['displayName']),
    type: text(item['type']),
    usage: text(item['usage']),
    startDateTime: text(item['startDateTime']),
    endDateTime: text(item['endDateTime']),
  };
}

/** The `passwordCredentials` of an application body. */
export function parsePasswordCredentials(value: unknown): PasswordCredentialInfo[] {
  const list = asObject(value)['passwordCredentials'];
  return (Array.isArray(list) ? list : []).flatMap((item) => parsePasswordCredential(item) ?? []);
}

/** An application body; null when it has no object id or appId. */
export function parseApplication(
  value: unknown,
  tenantId: string,
  withKeys: boolean,
): ApplicationInfo | null {
  const app = asObject(value);
  const objectId = text(app['id']);
  const appId = text(app['appId']);
  if (!objectId || !appId) return null;
  const keys = app['keyCredentials'];
  const federated = parseExpandedFederatedCredentials(app);
  return {
    objectId,
    appId: appId.toLowerCase(),
    displayName: text(app['displayName']) ?? appId,
    tenantId,
    passwordCredentials: parsePasswordCredentials(app),
    ...('signInAudience' in app ? { signInAudience: text(app['signInAudience']) } : {}),
    ...(federated ? { federatedCredentials: federated } : {}),
    ...(withKeys
      ? {
          keyCredentials: (Array.isArray(keys) ? keys : []).flatMap((item) => parseKeyCredential(item) ?? []),
        }
      : {}),
  };
}

/** The answer of `addPassword`; null when it lacks the key id or the secret text. */
export function parseNewPassword(
  value: unknown,
  requested: { displayName: string; endDateTime: string },
): NewPassword | null {
  const item = asObject(value);
  const keyId = text(item['keyId']);
  const secretText = text(item['secretText']);
  if (!keyId || !secretText) return null;
  return {
    keyId: keyId.toLowerCase(),
    secretText,
    displayName: text(item['displayName']) ?? requested.displayName,
    startDateTime: text(item['startDateTime']) ?? new Date(0).toISOString(),
    endDateTime: text(item['endDateTime']) ?? requested.endDateTime,
  };
}

/** One federated identity credential; null without id. */
export function parseFederatedCredential(value: unknown): FederatedCredentialInfo | null {
  const item = asObject(value);
  const id = text(item['id']);
  if (!id) return null;
  const audiences = item['audiences'];
  const subject = text(item['subject']);
  return {
    id,
    name: text(item['name']) ?? '',
    issuer: text(item['issuer']) ?? '',
    subject: subject ?? '',
    audiences: Array.isArray(audiences) ? audiences.filter((a): a is string => typeof a === 'string') : [],
    description: text(item['description']),
    ...(subject === null ? { flexible: true as const } : {}),
  };
}

/** The `federatedIdentityCredentials` of an application body; undefined when not in it. */
export function parseExpandedFederatedCredentials(value: unknown): FederatedCredentialInfo[] | undefined {
  const list = asObject(value)['federatedIdentityCredentials'];
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((item) => parseFederatedCredential(item) ?? []);
}

/** Graph's error code (`error.code`) from an error body. */
export function graphErrorCode(body: unknown): unknown {
  return asObject(asObject(body)['error'])['code'];
}
