import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** A self-signed certificate and its key, built in the test (no fixture files). */
export interface TestCertificate {
  certPem: string;
  /** PKCS#1 (`RSA PRIVATE KEY`) as older tooling writes it. */
  pkcs1KeyPem: string;
  /** SHA-256 of the DER certificate, computed by node-forge (independently of node:crypto). */
  expectedThumbprint: string;
  notAfter: Date;
}

export function makeTestCertificate(commonName = 'sc-rotator-test'): TestCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.UTC(2026, 0, 1));
  const notAfter = new Date(Date.UTC(2028, 0, 1));
  cert.validity.notAfter = notAfter;
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  const expectedThumbprint = forge.md.sha256.create().update(der).digest().toHex().toUpperCase();
  return { certPem: forge.pki.certificateToPem(cert), pkcs1KeyPem: privateKey, expectedThumbprint, notAfter };
}
