import { randomUUID, X509Certificate } from 'node:crypto';
import type { EmulatorContext } from '../context';
import type { Reply, RequestContext } from '../http/types';
import type { KeyCredential } from '../state/model';
import { authorizeApplication } from './access';
import { graphError, graphIdHeaders } from './errors';
import { jsonBody, writeQuota } from './writes';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Parsed = { credential: KeyCredential; der: Buffer } | { error: string };

function parseEntry(
  ctx: EmulatorContext,
  input: unknown,
  existing: ReadonlyMap<string, KeyCredential>,
): Parsed {
  if (!input || typeof input !== 'object') return { error: 'Each keyCredential must be an object.' };
  const entry = input as Record<string, unknown>;
  const keyId = typeof entry['keyId'] === 'string' ? entry['keyId'] : randomUUID();
  if (!GUID.test(keyId)) return { error: `Invalid value specified for property 'keyId': '${keyId}'.` };
  if (entry['type'] !== undefined && entry['type'] !== 'AsymmetricX509Cert')
    return { error: "Only keyCredentials of type 'AsymmetricX509Cert' are supported." };
  if (entry['usage'] !== undefined && entry['usage'] !== 'Verify')
    return { error: "Only keyCredentials with usage 'Verify' are supported." };
  // The emulator takes Graph's documented path: every kept certificate is sent again with its
  // `key` (whether `keyId` alone keeps one is unverified, federation-and-certificates.md §3.2).
  const key = entry['key'];
  if (typeof key !== 'string' || key === '')
    return { error: `Property 'key' is required for keyCredential '${keyId}'.` };
  let certificate: X509Certificate;
  const der = Buffer.from(key, 'base64');
  try {
    certificate = new X509Certificate(der);
  } catch {
    return { error: `Invalid certificate in property 'key' of keyCredential '${keyId}'.` };
  }
  if (certificate.toString().includes('PRIVATE KEY'))
    return { error: 'A keyCredential holds a public certificate only.' };
  const start = new Date(
    typeof entry['startDateTime'] === 'string' ? entry['startDateTime'] : certificate.validFrom,
  );
  const end = new Date(typeof entry['endDateTime'] === 'string' ? entry['endDateTime'] : certificate.validTo);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start)
    return { error: `Invalid startDateTime or endDateTime for keyCredential '${keyId}'.` };
  const previous = existing.get(keyId.toLowerCase());
  const displayName = typeof entry['displayName'] === 'string' ? entry['displayName'].slice(0, 90) : null;
  const credential: KeyCredential = {
    keyId: previous?.keyId ?? keyId.toLowerCase(),
    displayName,
    startDateTime: start,
    endDateTime: end,
    certificateDer: der,
    // A certificate already on the app keeps working; a new one propagates like a secret.
    usableFrom: previous
      ? (previous.usableFrom ?? previous.startDateTime)
      : new Date(ctx.clock.nowMs() + ctx.faults.propagationDelayMs),
  };
  return { credential, der };
}

/**
 * `PATCH /applications/{id}` (GRAPHDOCS `application-update.md`,
 * `applications-how-to-add-certificate.md`): the only property the emulator updates is
 * `keyCredentials`, and like Graph it REPLACES the whole collection: a certificate left out is
 * removed. Each entry needs `key` (the base64 DER certificate). A kept one (same keyId) keeps its
 * material; a new one is usable for sign-in after the propagation delay. 204.
 *
 * The `drop_key` fault makes the write succeed but lose one certificate that the request kept (the
 * first one that was on the app before): what a client's read-back check must catch.
 */
export function updateApplication(ctx: EmulatorContext, req: RequestContext): Reply {
  const found = authorizeApplication(ctx, req, 'write', (caller) => writeQuota(ctx, req, caller));
  if ('status' in found) return found;
  const parsed = jsonBody(ctx, req);
  if ('status' in parsed) return parsed;
  const { body } = parsed;
  const bad = (message: string) => graphError(req, ctx.clock, 400, 'Request_BadRequest', message);
  if ('passwordCredentials' in body)
    return bad("Property 'passwordCredentials' is read-only; use addPassword and removePassword.");
  const list = body['keyCredentials'];
  if (list === undefined) return { status: 204, headers: graphIdHeaders(req) };
  if (!Array.isArray(list)) return bad("Property 'keyCredentials' must be a collection.");
  const app = found.app;
  const existing = new Map(app.keyCredentials.map((k) => [k.keyId.toLowerCase(), k]));
  const next: KeyCredential[] = [];
  for (const item of list) {
    const entry = parseEntry(ctx, item, existing);
    if ('error' in entry) return bad(entry.error);
    if (next.some((k) => k.keyId === entry.credential.keyId))
      return bad(`Duplicate keyId '${entry.credential.keyId}' in keyCredentials.`);
    const previous = existing.get(entry.credential.keyId);
    // A kept seeded certificate stays what it was (its generated key still signs).
    next.push(
      previous && !previous.certificateDer
        ? { ...previous, displayName: entry.credential.displayName }
        : entry.credential,
    );
  }
  if (req.fault?.kind === 'drop_key') {
    const victim = next.findIndex((k) => existing.has(k.keyId));
    if (victim >= 0) next.splice(victim, 1);
  }
  for (const credential of next) {
    if (credential.certificateDer && !existing.get(credential.keyId)?.certificateDer) {
      ctx.certificates.upload(app, { ...credential, certificateDer: credential.certificateDer });
    }
  }
  ctx.store.setKeyCredentials(app, next);
  return { status: 204, headers: graphIdHeaders(req) };
}
