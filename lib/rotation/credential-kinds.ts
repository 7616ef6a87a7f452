/**
 * The two kinds of credential a connection can be rotated to, behind one protocol
 * (rotate-connection.ts): a client secret (`spnKey`: an application password) and a certificate
 * (`spnCertificate`, spec §9: a generated certificate added to the app's `keyCredentials`). A kind
 * says how to mint one, prove it, install it on the connection and remove it; everything else
 * (records, markers, crash safety, races, the grace) is the same protocol.
 */
import {
  type GeneratedCertificate,
  generateCertificate,
  MAX_CERTIFICATE_LIFETIME_DAYS,
  privateKeySecrets,
} from '../certificates/generate-certificate';
import { MS_PER_DAY } from '../clock';
import { RotatorError } from '../errors';
import { formatMarker } from './marker';
import type { PlanEntry } from './planner';
import type { RunContext } from './run-context';

/** A credential just minted. `value` and `secrets` are secret. */
export interface MintedCredential {
  keyId: string;
  /** ISO-8601 UTC end of validity, as stored. */
  expiresAt: string;
  /** What the connection stores: the secret text, or the certificate PEM then its key PEM. */
  value: string;
  /**
   * Every string to mask and to redact from errors (registered before anything else sees them);
   * single lines only (a certificate's key: its body and each of its lines).
   */
  secrets: string[];
  /** For proving a certificate. */
  certificate?: GeneratedCertificate;
}

/** Where the credential lives and how it is handled. */
export interface CredentialKind {
  /** `password` or `certificate`, for messages. */
  readonly noun: 'password' | 'certificate';
  /** The connection's authorization parameter that holds it. */
  readonly parameter: 'serviceprincipalkey' | 'servicePrincipalCertificate';
  /**
   * Mints one for the connection on the app; its secrets are masked before it resolves. `onKeyId`
   * is called with its keyId as soon as it may exist on the app (before masking, and for a
   * certificate before the write), so a failure after it can remove it again.
   */
  mint(
    entry: PlanEntry,
    appObjectId: string,
    ctx: RunContext,
    onKeyId: (keyId: string, expiresAt: string) => void,
  ): Promise<MintedCredential>;
  /** Resolves once a token is issued with it (waiting out propagation). */
  prove(tenantId: string, appId: string, minted: MintedCredential, ctx: RunContext): Promise<void>;
  /** Removes one of ours; resolves also when it was already gone. */
  remove(appObjectId: string, keyId: string, ctx: RunContext): Promise<void>;
}

/** The kind of `entry` (plan entries built before certificates existed are secrets). */
export function kindOf(entry: Pick<PlanEntry, 'credentialKind'>): CredentialKind {
  return entry.credentialKind === 'certificate' ? CERTIFICATE : SECRET;
}

const SECRET: CredentialKind = {
  noun: 'password',
  parameter: 'serviceprincipalkey',
  async mint(entry, appObjectId, ctx, onKeyId) {
    const nowMs = ctx.clock.now();
    const endDateTime = new Date(nowMs + ctx.policy.secretLifetimeDays * MS_PER_DAY).toISOString();
    // The signal only ends a wait for the write budget; a request once sent is never aborted.
    const minted = await ctx.credentials.addPassword(
      appObjectId,
      { displayName: formatMarker(entry.connectionId, nowMs), endDateTime },
      ctx.signal,
    );
    const expiresAt = minted.endDateTime || endDateTime;
    onKeyId(minted.keyId, expiresAt);
    ctx.mask(minted.secretText);
    return {
      keyId: minted.keyId,
      expiresAt,
      value: minted.secretText,
      secrets: [minted.secretText],
    };
  },
  prove: (tenantId, appId, minted, ctx) => ctx.prover.proveSecret(tenantId, appId, minted.value, ctx.signal),
  remove: (appObjectId, keyId, ctx) => ctx.credentials.removePassword(appObjectId, keyId),
};

const CERTIFICATE: CredentialKind = {
  noun: 'certificate',
  parameter: 'servicePrincipalCertificate',
  async mint(entry, appObjectId, ctx, onKeyId) {
    const nowMs = ctx.clock.now();
    const generate = ctx.generateCertificate ?? generateCertificate;
    const certificate = await generate({
      commonName: `sc-rotator ${entry.connectionName}`,
      nowMs,
      lifetimeDays: Math.min(ctx.policy.secretLifetimeDays, MAX_CERTIFICATE_LIFETIME_DAYS),
    });
    // The key exists from here on: masked before anything else can see or print it.
    const secrets = privateKeySecrets(certificate);
    for (const secret of secrets) ctx.mask(secret);
    const keyId = (ctx.newKeyId ?? defaultKeyId)();
    // From the PATCH on it may exist (an answer can be lost): a failure after this removes it.
    onKeyId(keyId, certificate.notAfter);
    await certificateStore(ctx).addCertificate(
      appObjectId,
      {
        keyId,
        displayName: formatMarker(entry.connectionId, nowMs),
        key: certificate.derBase64,
        startDateTime: certificate.notBefore,
        endDateTime: certificate.notAfter,
      },
      ctx.signal,
    );
    return { keyId, expiresAt: certificate.notAfter, value: certificate.connectionPem, secrets, certificate };
  },
  async prove(tenantId, appId, minted, ctx) {
    const certificate = minted.certificate;
    if (!ctx.prover.proveCertificate || !certificate) {
      throw new RotatorError('internal', 'The credential prover of this run cannot prove certificates.');
    }
    await ctx.prover.proveCertificate(
      tenantId,
      appId,
      { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.privateKeyPem },
      ctx.signal,
    );
  },
  remove: (appObjectId, keyId, ctx) => certificateStore(ctx).removeCertificate(appObjectId, keyId),
};

function certificateStore(ctx: RunContext) {
  if (!ctx.certificates) {
    throw new RotatorError(
      'internal',
      'This run has no certificate store; certificate connections cannot be rotated.',
    );
  }
  return ctx.certificates;
}

function defaultKeyId(): string {
  return globalThis.crypto.randomUUID();
}
