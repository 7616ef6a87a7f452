/**
 * Reads a service connection certificate: one PEM holding the certificate (chain) and its private
 * key, as Azure DevOps stores `servicePrincipalCertificate` (azure-apis.md §4.2; the TASKS
 * `azure-arm-endpoint.ts` reads the same file). msal-node 7 wants the SHA-256 thumbprint in hex
 * and a PKCS#8 private key; it then signs the client assertion with PS256
 * (task-ecosystem.md §5, §8).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { RotatorError } from '../errors';

/** What msal-node needs from a certificate, plus its validity for reports. */
export interface ParsedCertificate {
  /** SHA-256 of the DER certificate, upper-case hex without separators. */
  thumbprintSha256: string;
  /** The private key as PKCS#8 PEM. Secret: never log it. */
  privateKey: string;
  /** The certificate block(s) as PEM, for the optional `x5c` header (subject name + issuer auth). */
  certificatePem: string;
  /** ISO-8601 UTC end of validity of the first certificate. */
  notAfter: string;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/**
 * Parses a PEM with certificate and private key. Throws `auth.certificate_invalid` (without any
 * PEM content in the message) when either is missing, unreadable, encrypted, or they do not match.
 */
export function parseCertificatePem(pem: string): ParsedCertificate {
  const certs = pem.match(CERT_BLOCK) ?? [];
  const keyBlock = KEY_BLOCK.exec(pem)?.[0];
  const first = certs[0];
  if (!first) throw invalid('the PEM holds no certificate');
  if (!keyBlock) throw invalid('the PEM holds no private key');
  if (keyBlock.includes('ENCRYPTED')) throw invalid('the private key is encrypted');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(first);
  } catch {
    throw invalid('the certificate cannot be read');
  }
  let privateKey: string;
  try {
    const key = createPrivateKey(keyBlock);
    if (!certificate.checkPrivateKey(key))
      throw invalid('the private key does not belong to the certificate');
    privateKey = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (error) {
    if (error instanceof RotatorError) throw error;
    throw invalid('the private key cannot be read');
  }
  return {
    thumbprintSha256: certificate.fingerprint256.replaceAll(':', '').toUpperCase(),
    privateKey,
    certificatePem: certs.join('\n'),
    notAfter: new Date(certificate.validTo).toISOString(),
  };
}

function invalid(why: string): RotatorError {
  return new RotatorError('auth.certificate_invalid', `Certificate credential rejected: ${why}`, {
    fix: 'Provide a PEM with the certificate and its unencrypted private key (PKCS#1 or PKCS#8).',
  });
}
