import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRsaKeyPair } from './core/keys';
import { buildCertificatePem } from './core/x509';

/** A certificate authority on disk: trust `certPath` with `NODE_EXTRA_CA_CERTS`. */
export interface CertificateAuthority {
  readonly dir: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A server certificate and its private key, PEM. */
export interface LeafCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

const CA_NAME = 'Service Connection Rotator Emulator CA';
const DAY_MS = 86_400_000;

/**
 * The directory the CLI and `startEmulator` use when none is given: stable across runs, so a user
 * exports `NODE_EXTRA_CA_CERTS` once.
 */
export function defaultCaDir(): string {
  return join(tmpdir(), 'service-connection-rotator-emulator-ca');
}

function readUsable(certPath: string, keyPath: string): { certPem: string; keyPem: string } | null {
  if (!existsSync(certPath) || !existsSync(keyPath)) return null;
  const certPem = readFileSync(certPath, 'utf8');
  const keyPem = readFileSync(keyPath, 'utf8');
  // Regenerate a CA that has expired or is about to: nothing that expires is checked in, and an
  // old temp directory must not make every TLS handshake fail.
  const validTo = new Date(new X509Certificate(certPem).validTo).getTime();
  return validTo - Date.now() > DAY_MS ? { certPem, keyPem } : null;
}

/**
 * Reuses `ca.pem`/`ca-key.pem` in `dir` when present and valid, else generates a new CA and writes
 * both. `NODE_EXTRA_CA_CERTS` is read only when a Node process starts, so a test launcher creates
 * the CA first and every emulator started later signs its server certificate with it.
 */
export async function ensureCertificateAuthority(dir: string): Promise<CertificateAuthority> {
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca-key.pem');
  const existing = readUsable(certPath, keyPath);
  if (existing) return { dir, certPath, keyPath, ...existing };
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = await generateRsaKeyPair();
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const now = Date.now();
  const certPem = buildCertificatePem({
    subjectCommonName: CA_NAME,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    signer: { privateKeyPem: keyPem, commonName: CA_NAME },
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  // Write to temporary names and rename, key first: a concurrent reader sees either no `ca.pem`
  // or a complete pair.
  const suffix = `.tmp-${process.pid}`;
  writeFileSync(keyPath + suffix, keyPem, { mode: 0o600 });
  writeFileSync(certPath + suffix, certPem);
  renameSync(keyPath + suffix, keyPath);
  renameSync(certPath + suffix, certPath);
  return { dir, certPath, keyPath, certPem, keyPem };
}

const leaves = new Map<string, Promise<LeafCertificate>>();

/**
 * A server certificate for 127.0.0.1 and localhost signed by `ca`. One per CA per process: the
 * emulators a test run starts share it (their ports differ; the names do not).
 */
export function issueLeafCertificate(ca: CertificateAuthority): Promise<LeafCertificate> {
  let leaf = leaves.get(ca.certPem);
  if (!leaf) {
    leaf = (async () => {
      const { privateKey, publicKey } = await generateRsaKeyPair();
      const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const now = Date.now();
      const certPem = buildCertificatePem({
        subjectCommonName: 'localhost',
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        signer: { privateKeyPem: ca.keyPem, commonName: CA_NAME },
        notBefore: new Date(now - DAY_MS),
        notAfter: new Date(now + 30 * DAY_MS),
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: [
              { type: 7, ip: '127.0.0.1' },
              { type: 2, value: 'localhost' },
            ],
          },
        ],
      });
      return { certPem, keyPem };
    })();
    leaves.set(ca.certPem, leaf);
  }
  return leaf;
}
