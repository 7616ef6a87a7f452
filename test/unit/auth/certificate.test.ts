import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { parseCertificatePem } from '../../../lib/auth/certificate';
import { RotatorError } from '../../../lib/errors';
import { makeTestCertificate } from './test-certificate';

describe('parseCertificatePem', () => {
  const cert = makeTestCertificate();

  it('computes the SHA-256 thumbprint of the DER certificate', () => {
    const parsed = parseCertificatePem(`${cert.certPem}\n${cert.pkcs1KeyPem}`);
    assert.equal(parsed.thumbprintSha256, cert.expectedThumbprint);
    assert.match(parsed.thumbprintSha256, /^[0-9A-F]{64}$/);
  });

  it('accepts the key before the certificate and converts PKCS#1 to PKCS#8', () => {
    const parsed = parseCertificatePem(`${cert.pkcs1KeyPem}${cert.certPem}`);
    assert.match(parsed.privateKey, /^-----BEGIN PRIVATE KEY-----/);
    assert.ok(new X509Certificate(cert.certPem).checkPrivateKey(createPrivateKey(parsed.privateKey)));
    assert.equal(parsed.notAfter, cert.notAfter.toISOString());
    assert.equal(parsed.certificatePem.trim(), cert.certPem.trim());
  });

  for (const [name, pem, why] of [
    ['no certificate', () => cert.pkcs1KeyPem, 'the PEM holds no certificate'],
    ['no key', () => cert.certPem, 'the PEM holds no private key'],
    [
      'a key of another certificate',
      () => `${cert.certPem}${makeTestCertificate('other').pkcs1KeyPem}`,
      'the private key does not belong to the certificate',
    ],
    [
      'an encrypted key',
      () =>
        `${cert.certPem}-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n`,
      'the private key is encrypted',
    ],
  ] as const) {
    it(`rejects ${name} as auth.certificate_invalid without PEM content in the message`, () => {
      assert.throws(
        () => parseCertificatePem(pem()),
        (error: unknown) =>
          error instanceof RotatorError &&
          error.code === 'auth.certificate_invalid' &&
          error.message === `Certificate credential rejected: ${why}` &&
          !error.message.includes('BEGIN'),
      );
    });
  }
});
