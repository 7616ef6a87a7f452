import { constants, createSign, createVerify, type KeyObject } from 'node:crypto';
import type { SigningKey } from './keys';

/** A JWT split into its parts; nothing in it is verified yet. */
export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a payload as a compact JWT with RS256 (what Entra and Azure DevOps issue). */
export function signJwt(payload: Record<string, unknown>, key: SigningKey): string {
  const signingInput = `${encode({ typ: 'JWT', alg: 'RS256', kid: key.kid })}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

function parsePart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Splits and parses a compact JWT; `null` when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  const header = parsePart(h);
  const payload = parsePart(p);
  if (!header || !payload) return null;
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

/**
 * Verifies the signature with RS256 or PS256, the two algorithms the real clients use: msal-node
 * signs certificate assertions PS256 when given `thumbprintSha256` and RS256 with the SHA-1
 * `thumbprint` (msal-node `ClientAssertion.createJwt`).
 */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  const verifier = createVerify('RSA-SHA256').update(jwt.signingInput);
  if (jwt.header['alg'] === 'RS256') return verifier.verify(publicKey, jwt.signature);
  if (jwt.header['alg'] === 'PS256') {
    return verifier.verify(
      {
        key: publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_AUTO,
      },
      jwt.signature,
    );
  }
  return false;
}

/** A numeric claim (seconds since the epoch), or `undefined`. */
export function numericClaim(payload: Record<string, unknown>, name: string): number | undefined {
  const value = payload[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A string claim, or `undefined`. */
export function stringClaim(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' ? value : undefined;
}
