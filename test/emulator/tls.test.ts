import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertificateAuthority } from '../../emulator/index';
import { issueLeafCertificate } from '../../emulator/tls';
import { testCaDir } from './helpers';

describe('emulator: TLS', () => {
  it('reuses the CA files it finds instead of generating a new CA', async () => {
    const dir = testCaDir();
    const before = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const ca = await ensureCertificateAuthority(dir);
    assert.equal(ca.certPem, before);
    assert.equal(ca.certPath, join(dir, 'ca.pem'));
  });

  it('creates a CA where there is none, and signs a server certificate for 127.0.0.1 and localhost', async function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'scr-ca-'));
    try {
      const ca = await ensureCertificateAuthority(join(dir, 'nested'));
      const caCert = new X509Certificate(readFileSync(ca.certPath));
      assert.equal(caCert.ca, true);
      assert.ok(Date.parse(caCert.validTo) > Date.now() + 300 * 86_400_000);
      const leaf = new X509Certificate((await issueLeafCertificate(ca)).certPem);
      assert.equal(leaf.ca, false);
      assert.equal(leaf.checkIssued(caCert), true);
      assert.ok(leaf.verify(caCert.publicKey));
      assert.match(leaf.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
      assert.match(leaf.subjectAltName ?? '', /DNS:localhost/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
