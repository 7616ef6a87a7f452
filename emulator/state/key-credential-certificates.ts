import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import { generateRsaKeyPair } from '../core/keys';
import { buildCertificatePem } from '../core/x509';
import type { Application, KeyCredential } from './model';

/** The certificate behind a key credential (generated, or uploaded by a client). */
export interface KeyCredentialMaterial {
  readonly appId: string;
  readonly keyId: string;
  readonly certificatePem: string;
  /** The DER certificate, base64: Graph's `keyCredential.key`. */
  readonly derBase64: string;
  /**
   * PKCS#8 PEM, what msal-node's `clientCertificate.privateKey` takes. Empty for an uploaded
   * certificate: only its owner holds the key.
   */
  readonly privateKeyPem: string;
  /** RSA modulus length of the public key, in bits. */
  readonly keyBits: number;
  /** Upper-case hex SHA-1 of the DER certificate (`x5t`, the portal's thumbprint). */
  readonly thumbprintSha1: string;
  /** Upper-case hex SHA-256 of the DER certificate (`x5t#S256`, msal's `thumbprintSha256`). */
  readonly thumbprintSha256: string;
  readonly publicKey: KeyObject;
}

/**
 * Certificates of key credentials, generated on first use and kept for the emulator's life. Lazy
 * because each needs an RSA key (about 0.3 s), and a generated organization may hold hundreds that
 * no test ever touches; nothing that expires is checked in.
 */
export class CertificateVault {
  private readonly byKey = new Map<string, Promise<KeyCredentialMaterial>>();
  private readonly bySha1 = new Map<string, KeyCredentialMaterial>();
  private readonly bySha256 = new Map<string, KeyCredentialMaterial>();

  /** The certificate and key of one key credential (generated on the first call). */
  material(app: Application, credential: KeyCredential): Promise<KeyCredentialMaterial> {
    const cacheKey = `${app.appId}|${credential.keyId}`.toLowerCase();
    let material = this.byKey.get(cacheKey);
    if (!material) {
      material = this.generate(app, credential);
      this.byKey.set(cacheKey, material);
    }
    return material;
  }

  /** A generated certificate by thumbprint (hex, any case). Only generated ones can match. */
  findByThumbprint(kind: 'sha1' | 'sha256', hex: string): KeyCredentialMaterial | undefined {
    return (kind === 'sha1' ? this.bySha1 : this.bySha256).get(hex.toUpperCase());
  }

  /**
   * Registers the certificate a client uploaded for `credential` (PATCH keyCredentials), so that
   * sign-ins with it can be checked by thumbprint. Throws when `certificateDer` is not a certificate.
   */
  upload(app: Application, credential: KeyCredential & { certificateDer: Buffer }): KeyCredentialMaterial {
    const certificate = new X509Certificate(credential.certificateDer);
    const der = certificate.raw;
    // The same certificate put back under its keyId (a restore) keeps what is known of it,
    // the private key of a generated one included.
    const known = this.bySha256.get(createHash('sha256').update(der).digest('hex').toUpperCase());
    if (known && known.appId === app.appId && known.keyId.toLowerCase() === credential.keyId.toLowerCase()) {
      this.byKey.set(`${app.appId}|${credential.keyId}`.toLowerCase(), Promise.resolve(known));
      return known;
    }
    const material: KeyCredentialMaterial = {
      appId: app.appId,
      keyId: credential.keyId,
      certificatePem: certificate.toString(),
      derBase64: der.toString('base64'),
      privateKeyPem: '',
      keyBits: certificate.publicKey.asymmetricKeyDetails?.modulusLength ?? 0,
      thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
      thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
      publicKey: certificate.publicKey,
    };
    this.byKey.set(`${app.appId}|${credential.keyId}`.toLowerCase(), Promise.resolve(material));
    this.bySha1.set(material.thumbprintSha1, material);
    this.bySha256.set(material.thumbprintSha256, material);
    return material;
  }

  private async generate(app: Application, credential: KeyCredential): Promise<KeyCredentialMaterial> {
    if (credential.certificateDer)
      return this.upload(app, { ...credential, certificateDer: credential.certificateDer });
    const keyBits = credential.keyBits ?? 2048;
    const { privateKey, publicKey } = await generateRsaKeyPair(keyBits);
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const certificatePem = buildCertificatePem({
      subjectCommonName: app.displayName,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      signer: { privateKeyPem, commonName: app.displayName },
      notBefore: credential.startDateTime,
      notAfter: credential.endDateTime,
      extensions: [{ name: 'keyUsage', digitalSignature: true, critical: true }],
    });
    const der = new X509Certificate(certificatePem).raw;
    const material: KeyCredentialMaterial = {
      appId: app.appId,
      keyId: credential.keyId,
      certificatePem,
      derBase64: der.toString('base64'),
      privateKeyPem,
      keyBits,
      thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
      thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
      publicKey,
    };
    this.bySha1.set(material.thumbprintSha1, material);
    this.bySha256.set(material.thumbprintSha256, material);
    return material;
  }
}

/** SHA-256 thumbprint (upper-case hex) of the first certificate in a PEM bundle; null if none. */
export function pemThumbprintSha256(pem: string): string | null {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!match) return null;
  try {
    return createHash('sha256').update(new X509Certificate(match[0]).raw).digest('hex').toUpperCase();
  } catch {
    return null;
  }
}
