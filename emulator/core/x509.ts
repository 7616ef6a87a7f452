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
  // A positive serial: the first byte below 0x80 keeps the DER integer from reading as negative.
  cert.serialNumber = `0${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject([{ name: 'commonName', value: spec.subjectCommonName }]);
  cert.setIssuer([{ name: 'commonName', value: spec.signer.commonName }]);
  cert.setExtensions([...spec.extensions]);
  cert.sign(forge.pki.privateKeyFromPem(spec.signer.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}
