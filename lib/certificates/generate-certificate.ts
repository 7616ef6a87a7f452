/**
 * Generates the certificate a certificate connection is rotated to (spec §9): a self-signed X.509
 * certificate on a new RSA key (2048 bits or more), signed with SHA-256, whose subject names the
 * connection, valid for at most {@link MAX_CERTIFICATE_LIFETIME_DAYS}.
 *
 * The ASN.1 is `@peculiar/x509`'s (pure TypeScript on WebCrypto, no native code;
 * federation-and-certificates.md §3.4), the key is Node's WebCrypto (`globalThis.crypto`, passed
 * explicitly so no global provider is configured). Nothing is hand-rolled. What comes out is what
 * each consumer needs:
 *
 * - Graph's `keyCredential.key`: the DER certificate in base64 (public part only: "adding a private
 *   key risks compromising the application", GRAPHDOCS `application-addkey.md`);
 * - the connection's `servicePrincipalCertificate`: the leaf certificate PEM, then the UNENCRYPTED
 *   private key PEM (the AzureRM tasks read the first certificate block and any `PRIVATE KEY`
 *   block, and have no passphrase handling: federation-and-certificates.md §3.1);
 * - msal-node's `clientCertificate`: the SHA-256 thumbprint and the PKCS#8 key (§3.1).
 *
 * The private key is a secret: the caller registers it as one before anything else sees it.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { MS_PER_DAY } from '../clock';
import type * as X509 from './x509-module';

/** `@peculiar/x509`, loaded on the first certificate (see x509-module.ts). */
function loadX509(): typeof X509 {
  return require('./x509-module') as typeof X509;
}

/** Longest certificate lifetime, in days (the PATCH how-to: at most one year; spec §9). */
export const MAX_CERTIFICATE_LIFETIME_DAYS = 365;

/** Smallest RSA key Entra accepts for sign-in (AADSTS700027 below it; §3.3). */
export const MIN_RSA_KEY_BITS = 2048;

/** How far `notBefore` is set back, so a verifier whose clock is a little behind accepts it. */
export const NOT_BEFORE_SKEW_MS = 5 * 60_000;

/** What to generate. */
export interface CertificateRequest {
  /** Names the connection in the subject (`CN=<commonName>`). */
  commonName: string;
  /** "Now", epoch milliseconds. */
  nowMs: number;
  /** Wanted lifetime in days; capped at {@link MAX_CERTIFICATE_LIFETIME_DAYS}. */
  lifetimeDays: number;
  /** @default MIN_RSA_KEY_BITS */
  keyBits?: number;
}

/** A generated certificate. `privateKeyPem` and `connectionPem` are secrets. */
export interface GeneratedCertificate {
  /** The certificate as PEM (`-----BEGIN CERTIFICATE-----`). */
  certificatePem: string;
  /** The DER certificate in base64: Graph's `keyCredential.key`. */
  derBase64: string;
  /** The unencrypted PKCS#8 private key PEM (`-----BEGIN PRIVATE KEY-----`). Secret. */
  privateKeyPem: string;
  /** `certificatePem` then `privateKeyPem`: the connection's `servicePrincipalCertificate`. Secret. */
  connectionPem: string;
  /** SHA-256 of the DER, upper-case hex (msal-node `thumbprintSha256`, `x5t#S256`). */
  thumbprintSha256: string;
  /** SHA-1 of the DER, upper-case hex (Graph's default `customKeyIdentifier`, the portal's thumbprint). */
  thumbprintSha1: string;
  /** ISO-8601 UTC validity, as the certificate says it (seconds precision). */
  notBefore: string;
  notAfter: string;
}

/** Validity of a certificate generated at `nowMs` for `lifetimeDays` (pure). */
export function certificateValidity(
  nowMs: number,
  lifetimeDays: number,
): { notBeforeMs: number; notAfterMs: number } {
  const days = Math.max(1, Math.min(MAX_CERTIFICATE_LIFETIME_DAYS, Math.floor(lifetimeDays)));
  // X.509 times have whole seconds; round so the keyCredential dates equal the certificate's.
  const notBeforeMs = Math.floor((nowMs - NOT_BEFORE_SKEW_MS) / 1000) * 1000;
  // Never more than the cap after notBefore either (the one-year rule counts from the start).
  const notAfterMs = Math.floor((nowMs + days * MS_PER_DAY) / 1000) * 1000;
  return {
    notBeforeMs,
    notAfterMs: Math.min(notAfterMs, notBeforeMs + MAX_CERTIFICATE_LIFETIME_DAYS * MS_PER_DAY),
  };
}

/** Generates a certificate and its key (see the file comment). */
export async function generateCertificate(request: CertificateRequest): Promise<GeneratedCertificate> {
  const keyBits = request.keyBits ?? MIN_RSA_KEY_BITS;
  if (!Number.isInteger(keyBits) || keyBits < MIN_RSA_KEY_BITS) {
    throw new RangeError(`RSA keys need at least ${MIN_RSA_KEY_BITS} bits`);
  }
  const crypto = webcrypto;
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: keyBits,
  };
  const keys = (await crypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const { notBeforeMs, notAfterMs } = certificateValidity(request.nowMs, request.lifetimeDays);
  const x509 = loadX509();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: positiveSerial(),
      name: [{ CN: [subjectName(request.commonName)] }],
      notBefore: new Date(notBeforeMs),
      notAfter: new Date(notAfterMs),
      keys,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const der = Buffer.from(certificate.rawData);
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const certificatePem = pemBlock('CERTIFICATE', der);
  const privateKeyPem = pemBlock('PRIVATE KEY', pkcs8);
  return {
    certificatePem,
    derBase64: der.toString('base64'),
    privateKeyPem,
    connectionPem: `${certificatePem}${privateKeyPem}`,
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    notBefore: new Date(notBeforeMs).toISOString(),
    notAfter: new Date(notAfterMs).toISOString(),
  };
}

/**
 * The strings to register as secrets for a generated key: the key's base64 body on one line, and
 * each base64 line of it on its own. A secret cannot span lines (the agent masks line by line and
 * the pipeline task library refuses "Secrets cannot contain multiple lines"), and a log that prints
 * the PEM shows it line by line; the PEM armour lines are not secret.
 */
export function privateKeySecrets(certificate: Pick<GeneratedCertificate, 'privateKeyPem'>): string[] {
  const lines = certificate.privateKeyPem
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('-----'));
  return [lines.join(''), ...lines];
}

/**
 * The common name as the subject carries it: letters, digits, space and `._-()` kept, anything
 * else `_`, at most 64 characters (the X.520 upper bound). The library reads distinguished-name
 * syntax (`,` `=` `"` `+`) even in its JSON name form, and the subject is only a label: the
 * keyCredential's marker is what identifies our certificate.
 */
export function subjectName(commonName: string): string {
  const safe = commonName
    .replace(/[^\p{L}\p{N} ._()-]/gu, '_')
    .trim()
    .slice(0, 64);
  return safe || 'sc-rotator';
}

function pemBlock(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** 16 random bytes, the first below 0x80 and not zero: a positive DER integer, never padded. */
function positiveSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString('hex');
}
