import { randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** What a certificate says and who signs it. Keys are PEM (generated with `node:crypto`). */
export interface CertificateSpec {
  readonly subjectCommonName: string;
  readonly publicKeyPem: string;
  /** The signer's private key (PKCS#1 or PKCS#8 PEM) and name; the subject itself when self-signed. */
  readonly signer: { readonly privateKeyPem: string; readonly commonName: string };
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly object[];
}

/**
 * Builds and signs an X.509 certificate (SHA-256). node-forge is only used for the certificate
 * structure; key generation stays in `node:crypto`, which is much faster.
 */
export function buildCertificatePem(spec: CertificateSpec): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  cert.serialNumber = positiveSerial();
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject([{ name: 'commonName', value: spec.subjectCommonName }]);
  cert.setIssuer([{ name: 'commonName', value: spec.signer.commonName }]);
  cert.setExtensions([...spec.extensions]);
  cert.sign(forge.pki.privateKeyFromPem(spec.signer.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/**
 * 16 random bytes as a minimal positive DER integer: the first byte is 0x01–0x7f, so the integer
 * is neither negative nor padded. (The former `'0' + 30 hex digits` gave forge an odd-length hex
 * string, which it encodes with a leading 0x00 byte; when the first random byte was 0x00 as well
 * and the next below 0x80, the serial was illegally padded and OpenSSL refused the certificate:
 * about once in 500, so a warmed organization with 200 certificates failed one run in three.)
 */
function positiveSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString('hex');
}
