import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { parseCertificatePem } from '../../../lib/auth/certificate';
import {
  certificateValidity,
  generateCertificate,
  MAX_CERTIFICATE_LIFETIME_DAYS,
  NOT_BEFORE_SKEW_MS,
  privateKeySecrets,
  subjectName,
} from '../../../lib/certificates/generate-certificate';
import { MS_PER_DAY } from '../../../lib/clock';

const NOW = Date.parse('2026-12-04T18:00:00.123Z');

describe('generateCertificate', () => {
  it('makes a self-signed RSA-2048 SHA-256 certificate naming the connection, with a matching PKCS#8 key', async () => {
    const generated = await generateCertificate({
      commonName: 'sc-rotator prod, "eu"=1',
      nowMs: NOW,
      lifetimeDays: 90,
    });
    const certificate = new X509Certificate(generated.certificatePem);
    assert.equal(certificate.subject, 'CN=sc-rotator prod_ _eu__1');
    assert.equal(certificate.issuer, certificate.subject);
    assert.equal(certificate.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.ok(certificate.verify(certificate.publicKey), 'self-signed');
    assert.match(generated.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.ok(certificate.checkPrivateKey(createPrivateKey(generated.privateKeyPem)));
    assert.equal(generated.thumbprintSha256, certificate.fingerprint256.replaceAll(':', ''));
    assert.equal(generated.thumbprintSha1, certificate.fingerprint.replaceAll(':', ''));
    assert.equal(Buffer.from(generated.derBase64, 'base64').equals(certificate.raw), true);
    assert.equal(new Date(certificate.validFrom).toISOString(), generated.notBefore);
    assert.equal(new Date(certificate.validTo).toISOString(), generated.notAfter);
    assert.equal(
      generated.notAfter,
      new Date(Math.floor((NOW + 90 * MS_PER_DAY) / 1000) * 1000).toISOString(),
    );
  });

  it('signs with SHA-256 and marks the key for signatures only', async () => {
    const generated = await generateCertificate({ commonName: 'c', nowMs: NOW, lifetimeDays: 30 });
    const certificate = new X509Certificate(generated.certificatePem);
    assert.equal(certificate.ca, false);
    assert.match(certificate.toLegacyObject().fingerprint256, /:/);
    // sha256WithRSAEncryption OID 1.2.840.113549.1.1.11 in the DER.
    assert.ok(certificate.raw.includes(Buffer.from('2a864886f70d01010b', 'hex')));
  });

  it('is what a connection stores: the leaf certificate first, then the unencrypted key', async () => {
    const generated = await generateCertificate({ commonName: 'c', nowMs: NOW, lifetimeDays: 30 });
    assert.ok(generated.connectionPem.startsWith('-----BEGIN CERTIFICATE-----'));
    const parsed = parseCertificatePem(generated.connectionPem);
    assert.equal(parsed.thumbprintSha256, generated.thumbprintSha256);
  });

  it('refuses keys under 2048 bits', async () => {
    await assert.rejects(
      generateCertificate({ commonName: 'c', nowMs: NOW, lifetimeDays: 30, keyBits: 1024 }),
      RangeError,
    );
  });

  it('lists the key body and each of its lines as secrets, never a multi-line value', async () => {
    const generated = await generateCertificate({ commonName: 'c', nowMs: NOW, lifetimeDays: 30 });
    const secrets = privateKeySecrets(generated);
    const lines = generated.privateKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    assert.ok(lines.length > 20);
    for (const line of lines) assert.ok(secrets.includes(line));
    assert.ok(secrets.includes(lines.join('')));
    assert.ok(
      secrets.every((s) => !s.includes('\n')),
      'a secret is one line (task-lib refuses more)',
    );
    assert.equal(secrets.length, lines.length + 1);
    assert.ok(
      !secrets.some((s) => generated.certificatePem.includes(s) && s.length > 0 && !s.includes('PRIVATE')),
    );
  });
});

describe('subjectName', () => {
  it('keeps letters, digits and plain punctuation, replaces distinguished-name syntax, caps at 64', () => {
    assert.equal(subjectName('sc-rotator Prod (EU) v1.2_x'), 'sc-rotator Prod (EU) v1.2_x');
    assert.equal(subjectName('a,b=c+d;"e"<f>#\\'), 'a_b_c_d__e__f___');
    assert.equal(subjectName('Zürich-Äpfel'), 'Zürich-Äpfel');
    assert.equal(subjectName('x'.repeat(100)).length, 64);
    assert.equal(subjectName(',,,'), '___');
    assert.equal(subjectName('  '), 'sc-rotator');
  });
});

describe('certificateValidity', () => {
  it('caps the lifetime at 365 days and starts a little in the past, in whole seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1e12, max: 4e12 }), fc.integer({ min: 1, max: 730 }), (now, days) => {
        const { notBeforeMs, notAfterMs } = certificateValidity(now, days);
        assert.equal(notBeforeMs % 1000, 0);
        assert.equal(notAfterMs % 1000, 0);
        assert.ok(notBeforeMs <= now - NOT_BEFORE_SKEW_MS && notBeforeMs > now - NOT_BEFORE_SKEW_MS - 1000);
        assert.ok(notAfterMs - notBeforeMs <= MAX_CERTIFICATE_LIFETIME_DAYS * MS_PER_DAY);
        assert.ok(notAfterMs <= now + Math.min(days, 365) * MS_PER_DAY);
        assert.ok(notAfterMs > now + Math.min(days, 365) * MS_PER_DAY - NOT_BEFORE_SKEW_MS - 1000);
      }),
    );
  });
});
