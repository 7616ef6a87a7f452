/**
 * Issue #15 with the bundled task run as the agent runs it: `certificateConnections: rotate`
 * rotates the demo's certificate connection to a new certificate that signs in, keeps the old one
 * for the grace, registers the private key (whole and line by line) with `setSecret`, and prints
 * it nowhere: the secret scan searches every line of the key body in every output.
 */
import assert from 'node:assert/strict';
import type { Emulator, OrgDescription } from '../../emulator';
import { parseCertificatePem } from '../../lib/auth/certificate';
import { graphScope } from '../../lib/auth/clouds';
import { MsalCredentialProver } from '../../lib/auth/credential-prover';
import { systemClock } from '../../lib/clock';
import { parseRecord } from '../../lib/rotation/record';
import { assertNoSecretLeaked, knownSecrets } from '../reliability/support/secret-scan';
import { expandPemSecrets } from '../support/pem-secrets';
import {
  applicationNamed,
  connectionNamed,
  demoOrg,
  leaks,
  runJob,
  stagedTaskDir,
  startFor,
} from './task-harness';

describe('the bundled task rotating a certificate connection', function () {
  this.timeout(180_000);
  let emulator: Emulator | undefined;
  before(() => {
    stagedTaskDir();
  });
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('rotates cert-deploy, the new certificate signs in, and no line of its private key is printed', async () => {
    const org: OrgDescription = demoOrg();
    emulator = await startFor(org, { propagationDelayMs: 1500 });
    const connection = connectionNamed(org, 'cert-deploy');
    const app = applicationNamed(org, 'deploy-cert');
    const oldKeyId = app.keyCredentials?.[0]?.keyId ?? '';
    // 90 days left: due with rotateWithinDays 100.
    const inputs = {
      action: 'rotate',
      projects: '*',
      connections: 'cert-deploy',
      rotateWithinDays: '100',
      certificateConnections: 'rotate',
    };

    // report (the default) writes nothing to a certificate connection.
    const reported = await runJob(emulator, org, { inputs: { ...inputs, certificateConnections: 'report' } });
    assert.equal(reported.variables.RotatedCount?.value, '0');
    assert.deepEqual(
      emulator.requests().filter((r) => r.write),
      [],
    );

    const run = await runJob(emulator, org, { inputs });
    assert.equal(run.result, 'Succeeded', run.resultMessage ?? undefined);
    assert.equal(run.variables.RotatedCount?.value, '1');
    assert.equal(run.variables.FailedCount?.value, '0');
    const stored = emulator.state.connection(connection.id)?.confidential.get('servicePrincipalCertificate');
    assert.ok(stored?.kind === 'literal');
    const record = parseRecord(emulator.state.connection(connection.id)?.description);
    assert.ok(record);
    const keys = emulator.state
      .application(app.appId)
      ?.keyCredentials.map((k) => k.keyId.toLowerCase())
      .sort();
    assert.deepEqual(keys, [oldKeyId, record.keyId].sort(), 'the old certificate stays for the grace');
    assert.deepEqual(
      emulator.state.snapshot().serviceConnections.find((c) => c.id === connection.id)?.secret,
      { kind: 'certificate', keyId: record.keyId },
    );

    // The stored PEM (leaf certificate, then the unencrypted PKCS#8 key) signs in with msal-node.
    const parsed = parseCertificatePem(stored.value);
    const prover = new MsalCredentialProver({
      authorityHost: emulator.urls.authorityHost,
      scope: graphScope(emulator.urls.graph),
      clock: systemClock,
    });
    await prover.proveCertificate(connection.tenantId ?? '', app.appId, {
      thumbprintSha256: parsed.thumbprintSha256,
      privateKey: parsed.privateKey,
    });

    // The key was registered whole and line by line, and appears nowhere else.
    const keyLines = expandPemSecrets([stored.value]).filter((s) => !s.includes('\n') && s.length < 100);
    assert.ok(keyLines.length > 20);
    for (const line of keyLines)
      assert.ok(run.lines.includes(`##vso[task.setsecret]${line}`), 'key line masked');
    assert.deepEqual(leaks(run, stored.value), []);
    const secrets = knownSecrets(emulator, org);
    for (const line of keyLines) assert.ok(secrets.includes(line), 'the scan searches every key line');
    assertNoSecretLeaked(run, secrets, 'certificate rotation');
    assertNoSecretLeaked(reported, secrets, 'certificate rotation');
  });
});
