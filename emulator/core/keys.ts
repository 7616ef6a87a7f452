import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';

/** An RSA key pair with the `kid` published for it. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** Generates an RSA key pair (2048 bits unless told) without blocking the event loop. */
export function generateRsaKeyPair(
  modulusLength = 2048,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ privateKey, publicKey });
    });
  });
}

const shared = new Map<string, Promise<SigningKey>>();

/**
 * A signing key for one purpose (`entra`, `oidc`), generated once per process and shared by every
 * emulator started in it. RSA generation costs about 0.3 s on a small machine, and tests start many
 * emulators; sharing is safe because every token also names its issuer (host and port), which
 * differs between emulator instances, so a token from one instance never validates in another.
 */
export function sharedSigningKey(purpose: string): Promise<SigningKey> {
  let key = shared.get(purpose);
  if (!key) {
    key = generateRsaKeyPair().then(({ privateKey, publicKey }) => ({
      privateKey,
      publicKey,
      kid: createHash('sha256')
        .update(publicKey.export({ type: 'spki', format: 'der' }))
        .digest('base64url')
        .slice(0, 27),
    }));
    shared.set(purpose, key);
  }
  return key;
}

/** The public half of a key as a JSON Web Key, for a `jwks_uri` document. */
export function publicJwk(key: SigningKey): Record<string, string> {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid: key.kid, n: String(jwk.n), e: String(jwk.e) };
}
