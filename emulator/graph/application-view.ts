import type { EmulatorContext } from '../context';
import type { Application } from '../state/model';
import { federatedCredentialView } from './federated-credentials';

/** Properties of `microsoft.graph.application` the emulator serves, in Graph's default order. */
export const APPLICATION_PROPERTIES = [
  'id',
  'deletedDateTime',
  'appId',
  'createdDateTime',
  'description',
  'displayName',
  'signInAudience',
  'tags',
  'keyCredentials',
  'passwordCredentials',
] as const;

const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

/**
 * A password credential as Graph returns it on reads: `secretText` is always null; only
 * addPassword's response carries it (GRAPHDOCS `resources/passwordcredential.md`).
 */
export function passwordView(p: Application['passwordCredentials'][number]): Record<string, unknown> {
  return {
    customKeyIdentifier: null,
    displayName: p.displayName,
    endDateTime: iso(p.endDateTime),
    hint: p.hint,
    keyId: p.keyId,
    secretText: null,
    startDateTime: iso(p.startDateTime),
  };
}

/**
 * A key credential as Graph returns it. `key` (the DER certificate, base64) only when `withKey`:
 * Graph returns it on a single-object GET with `$select=keyCredentials` and nowhere else
 * (GRAPHDOCS `resources/keycredential.md`).
 */
async function keyView(
  ctx: EmulatorContext,
  app: Application,
  k: Application['keyCredentials'][number],
  withKey: boolean,
) {
  const material = await ctx.certificates.material(app, k);
  return {
    customKeyIdentifier: Buffer.from(material.thumbprintSha1, 'hex').toString('base64'),
    displayName: k.displayName,
    endDateTime: iso(k.endDateTime),
    key: withKey ? material.derBase64 : null,
    keyId: k.keyId,
    startDateTime: iso(k.startDateTime),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  };
}

/**
 * An application with only the selected properties (all of them when `select` is null). `single`:
 * a single-object GET (then an explicit `$select=keyCredentials` returns each certificate's `key`).
 * With `expand` its federated identity credentials (an app holds at most 20, all of them returned).
 */
export async function applicationView(
  ctx: EmulatorContext,
  app: Application,
  select: readonly string[] | null,
  single = false,
  expand = false,
): Promise<Record<string, unknown>> {
  const withKey = single && (select?.includes('keyCredentials') ?? false);
  const wanted = select ?? APPLICATION_PROPERTIES;
  const view: Record<string, unknown> = {};
  for (const property of wanted) {
    switch (property) {
      case 'id':
        view['id'] = app.objectId;
        break;
      case 'deletedDateTime':
        view['deletedDateTime'] = null;
        break;
      case 'appId':
        view['appId'] = app.appId;
        break;
      case 'createdDateTime':
        view['createdDateTime'] = iso(app.createdDateTime);
        break;
      case 'description':
        view['description'] = null;
        break;
      case 'displayName':
        view['displayName'] = app.displayName;
        break;
      case 'signInAudience':
        view['signInAudience'] = app.signInAudience;
        break;
      case 'tags':
        view['tags'] = [];
        break;
      case 'keyCredentials':
        view['keyCredentials'] = await Promise.all(
          app.keyCredentials.map((k) => keyView(ctx, app, k, withKey)),
        );
        break;
      case 'passwordCredentials':
        view['passwordCredentials'] = app.passwordCredentials.map(passwordView);
        break;
    }
  }
  if (expand)
    view['federatedIdentityCredentials'] = app.federatedIdentityCredentials.map(federatedCredentialView);
  return view;
}

/** Canonical spelling of selected properties; the first unknown one is reported. */
export function normalizeSelect(select: readonly string[] | null): {
  select: string[] | null;
  unknown?: string;
} {
  if (select === null) return { select: null };
  const known = new Map(APPLICATION_PROPERTIES.map((p) => [p.toLowerCase(), p as string]));
  const result: string[] = [];
  for (const name of select) {
    const canonical = known.get(name.toLowerCase());
    if (!canonical) return { select: null, unknown: name };
    if (!result.includes(canonical)) result.push(canonical);
  }
  return { select: result };
}
