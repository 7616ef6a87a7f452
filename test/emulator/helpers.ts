// Shared by the emulator tests: start an emulator signed by the test CA, find demo entities by name,
// and make raw HTTPS calls (Node's fetch trusts the CA through NODE_EXTRA_CA_CERTS).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Emulator,
  type EmulatorOptions,
  type OrgDescription,
  startEmulator,
} from '../../emulator/index';
import type {
  ApplicationDescription,
  IdentityDescription,
  ServiceConnectionDescription,
} from '../../emulator/state/org-description';

const REPO = join(__dirname, '..', '..', '..');

/** The checked-in demo organization (a fresh copy each call). */
export function demoOrg(): OrgDescription {
  return JSON.parse(readFileSync(join(REPO, 'emulator', 'orgs', 'demo.json'), 'utf8')) as OrgDescription;
}

/** The CA directory the launcher (`dist/test/support/run-mocha.js`) created and made trusted. */
export function testCaDir(): string {
  const dir = process.env['SCR_EMULATOR_CA_DIR'];
  if (!dir || !process.env['NODE_EXTRA_CA_CERTS']) {
    throw new Error(
      'Run the emulator tests through dist/test/support/run-mocha.js: it creates and trusts the test CA.',
    );
  }
  return dir;
}

/** Starts an emulator with the test CA. */
export function start(
  org: OrgDescription = demoOrg(),
  options: Omit<EmulatorOptions, 'org' | 'caDir'> = {},
): Promise<Emulator> {
  return startEmulator({ org, caDir: testCaDir(), ...options });
}

/** Lookups into an organization description by display name. */
export function named(org: OrgDescription) {
  const find = <T>(items: readonly T[] | undefined, test: (item: T) => boolean, what: string): T => {
    const item = items?.find(test);
    if (!item) throw new Error(`no ${what} in the test organization`);
    return item;
  };
  return {
    app: (displayName: string): ApplicationDescription =>
      find(org.applications, (a) => a.displayName === displayName, `app ${displayName}`),
    connection: (name: string): ServiceConnectionDescription =>
      find(org.serviceConnections, (c) => c.name === name, `connection ${name}`),
    identity: (id: string): IdentityDescription => find(org.identities, (i) => i.id === id, `identity ${id}`),
    project: (name: string) => find(org.projects, (p) => p.name === name, `project ${name}`),
  };
}

/** The current secret text of an app's password (from the emulator's raw state). */
export function secretOf(emulator: Emulator, appId: string, index = 0): string {
  const password = emulator.state.application(appId)?.passwordCredentials[index];
  if (!password) throw new Error(`app ${appId} has no password ${index}`);
  return password.secretText;
}

/** A JSON response: status, headers and parsed body (null when empty or not JSON). */
export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

/** `fetch` that reads the body as JSON. */
export async function call<T = Record<string, unknown>>(
  url: string,
  init: RequestInit = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** A client-credentials token request straight to the emulated token endpoint. */
export function requestToken(emulator: Emulator, tenantId: string, fields: Record<string, string>) {
  return call<Record<string, unknown>>(`${emulator.urls.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...fields }).toString(),
  });
}

/** A Graph access token for an app with a secret (fails the test when refused). */
export async function graphToken(
  emulator: Emulator,
  app: ApplicationDescription,
  secret = secretOf(emulator, app.appId),
): Promise<string> {
  const response = await requestToken(emulator, app.tenantId, {
    client_id: app.appId,
    client_secret: secret,
    scope: `${emulator.urls.graph}/.default`,
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.text}`);
  return String(response.body['access_token']);
}

/** Authorization headers for Azure DevOps. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const basicPat = (pat: string) => ({
  authorization: `Basic ${Buffer.from(`:${pat}`).toString('base64')}`,
});

/** The JSON payload of a JWT (no verification). */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
