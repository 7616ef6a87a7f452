import type { EmulatorContext } from '../context';
import { type DecodedJwt, decodeJwt, numericClaim, stringClaim, verifyJwtSignature } from '../core/jwt';
import { isEntraIssuer, oidcIssuer } from '../devops/workload-identity';
import { pemThumbprintSha256 } from '../state/key-credential-certificates';
import type { Application } from '../state/model';
import { type AadFailure, aadFailure } from './errors';

/** What a client presents to get a token (or what a connection would present). */
export type ClientCredential =
  | { readonly kind: 'none' }
  | { readonly kind: 'secret'; readonly value: string }
  /** A client assertion JWT: a certificate assertion or a federated token. */
  | { readonly kind: 'assertion'; readonly jwt: string; readonly tokenEndpoint: string }
  /** A certificate PEM as a connection stores it (endpointproxy checks it without an assertion). */
  | { readonly kind: 'certificatePem'; readonly pem: string }
  /** A federated trust a connection relies on (endpointproxy, workload identity federation). */
  | {
      readonly kind: 'federated';
      readonly issuer: string;
      readonly subject: string;
      readonly audience: string;
    };

/** The outcome: the app that would get a token, or Entra's refusal. */
export type CredentialCheck =
  | { readonly ok: true; readonly app: Application }
  | { readonly ok: false; readonly failure: AadFailure };

const fail = (failure: AadFailure): CredentialCheck => ({ ok: false, failure });
const invalidClient = (code: number, text: string) => fail(aadFailure(401, 'invalid_client', code, text));

function checkSecret(ctx: EmulatorContext, app: Application, value: string): CredentialCheck {
  const now = ctx.clock.nowMs();
  const password = app.passwordCredentials.find((p) => p.secretText === value);
  // A secret still propagating fails exactly like a wrong one (azure-apis.md §2.2: 4–18 s observed).
  if (!password || password.usableFrom.getTime() > now || password.startDateTime.getTime() > now) {
    return invalidClient(
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
    );
  }
  if (password.endDateTime.getTime() <= now) {
    return invalidClient(
      7000222,
      `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    );
  }
  return { ok: true, app };
}

function checkCertificate(
  ctx: EmulatorContext,
  app: Application,
  sha: 'sha1' | 'sha256',
  thumbprintHex: string,
  jwt?: DecodedJwt,
) {
  const material = ctx.certificates.findByThumbprint(sha, thumbprintHex);
  const credential =
    material && material.appId === app.appId
      ? app.keyCredentials.find((k) => k.keyId === material.keyId)
      : undefined;
  // A certificate just added fails like an unknown one until it has propagated (as a new secret
  // does with 7000215).
  const propagating =
    credential?.usableFrom !== undefined && credential.usableFrom.getTime() > ctx.clock.nowMs();
  if (!material || !credential || propagating) {
    return invalidClient(
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprintHex.toUpperCase()}']`,
    );
  }
  if (material.keyBits < 2048) {
    // federation-and-certificates.md §3.3 (silverhack/monkey365#183).
    return invalidClient(
      700027,
      `Client assertion failed signature validation. [Reason - The key used is not valid. RSA key size ${material.keyBits} is less than the minimum required 2048 bits.]`,
    );
  }
  if (jwt && !verifyJwtSignature(jwt, material.publicKey)) {
    return invalidClient(700027, 'Client assertion failed signature validation.');
  }
  const now = ctx.clock.nowMs();
  if (credential.endDateTime.getTime() <= now || credential.startDateTime.getTime() > now) {
    return invalidClient(
      700027,
      'Client assertion contains an invalid signature. [Reason - The key used is expired.]',
    );
  }
  return { ok: true as const, app };
}

function checkFederated(
  ctx: EmulatorContext,
  app: Application,
  issuer: string,
  subject: string,
  audience: string,
): CredentialCheck {
  // A new federated credential fails like a missing one until it has propagated (ENTRADOCS
  // workload-identity-federation-considerations; federation-and-certificates.md §1.4).
  const now = ctx.clock.nowMs();
  const match = app.federatedIdentityCredentials.find(
    (f) =>
      f.issuer === issuer &&
      f.subject === subject &&
      f.audiences.includes(audience) &&
      (f.usableFrom === undefined || f.usableFrom.getTime() <= now),
  );
  if (!match) return noFederatedMatch(app, issuer, subject, audience);
  return { ok: true, app };
}

/**
 * Entra's refusal when no federated credential matches exactly, most specific first
 * (federation-and-certificates.md §1.6, §4.1–4.5): none at all 70025; none with this issuer
 * 700211 (a stray space makes another issuer); none with this issuer and subject 700213 (a rename
 * under an `sc://` subject); else 70021 (the audience, or a credential still propagating). Flexible
 * credentials (subject null) never match an Azure DevOps token.
 */
function noFederatedMatch(
  app: Application,
  issuer: string,
  subject: string,
  audience: string,
): CredentialCheck {
  const fics = app.federatedIdentityCredentials;
  if (fics.length === 0) {
    return invalidClient(
      70025,
      `The client '${app.appId}'(${app.displayName}) has no configured federated identity credentials.`,
    );
  }
  const sameIssuer = fics.filter((f) => f.subject !== null && f.issuer === issuer);
  if (sameIssuer.length === 0) {
    return invalidClient(
      700211,
      `No matching federated identity record found for presented assertion issuer '${issuer}'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Issuer to ensure it matches the assertion issuer.`,
    );
  }
  if (!sameIssuer.some((f) => f.subject === subject)) {
    return invalidClient(
      700213,
      `No matching federated identity record found for presented assertion subject '${subject}'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Subject to ensure it matches the assertion subject.`,
    );
  }
  return invalidClient(
    70021,
    `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'.`,
  );
}

function checkAssertion(
  ctx: EmulatorContext,
  app: Application,
  token: string,
  tokenEndpoint: string,
): CredentialCheck {
  const jwt = decodeJwt(token);
  if (!jwt) return fail(aadFailure(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.'));
  const x5tS256 = stringClaim(jwt.header, 'x5t#S256');
  const x5t = stringClaim(jwt.header, 'x5t');
  if (x5tS256 || x5t) {
    // A certificate assertion the client built itself: its times are wall-clock times.
    if (stringClaim(jwt.payload, 'aud') !== tokenEndpoint) {
      return invalidClient(
        700212,
        `The audience of the client assertion must be the token endpoint '${tokenEndpoint}'.`,
      );
    }
    if (stringClaim(jwt.payload, 'iss') !== app.appId || stringClaim(jwt.payload, 'sub') !== app.appId) {
      return invalidClient(
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter.",
      );
    }
    const exp = numericClaim(jwt.payload, 'exp') ?? 0;
    if (exp * 1000 <= Date.now()) {
      return invalidClient(
        700024,
        `Client assertion is not within its valid time range. Expiry time of assertion: ${new Date(exp * 1000).toISOString()}.`,
      );
    }
    const hex = Buffer.from(x5tS256 ?? x5t ?? '', 'base64url').toString('hex');
    return checkCertificate(ctx, app, x5tS256 ? 'sha256' : 'sha1', hex, jwt);
  }
  // A federated token from the emulated Azure DevOps: the legacy issuer or an Entra issuer (both
  // signed with the emulator's OIDC key). Its times are emulator time.
  const issuer = stringClaim(jwt.payload, 'iss') ?? '';
  const known = issuer === oidcIssuer(ctx.store) || isEntraIssuer(ctx.store, issuer);
  if (!known || !verifyJwtSignature(jwt, ctx.oidcKey.publicKey)) {
    const subject = stringClaim(jwt.payload, 'sub') ?? '';
    return invalidClient(
      70021,
      `No matching federated identity record found for presented assertion issuer '${issuer}'. Assertion Subject: '${subject}'.`,
    );
  }
  const exp = numericClaim(jwt.payload, 'exp') ?? 0;
  if (exp * 1000 <= ctx.clock.nowMs()) {
    return invalidClient(
      700024,
      `Client assertion is not within its valid time range. Current time: ${ctx.clock.now().toISOString()}, expiry time of assertion ${new Date(exp * 1000).toISOString()}.`,
    );
  }
  const aud = jwt.payload['aud'];
  const audience = Array.isArray(aud) ? String(aud[0] ?? '') : String(aud ?? '');
  return checkFederated(ctx, app, issuer, stringClaim(jwt.payload, 'sub') ?? '', audience);
}

/**
 * Would Entra issue a client-credentials token to `appId` in `tenantId` for this credential? The
 * checks run in Entra's order: tenant, app in tenant, service principal, then the credential
 * (codes from ENTRADOCS `reference-error-codes.md`, azure-apis.md §3). The token endpoint and
 * endpointproxy's TestConnection both ask this, so they always agree.
 */
export function checkClientCredential(
  ctx: EmulatorContext,
  tenantId: string,
  appId: string,
  credential: ClientCredential,
): CredentialCheck {
  if (!ctx.store.tenants.has(tenantId.toLowerCase())) {
    return fail(
      aadFailure(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      ),
    );
  }
  const app = ctx.store.applicationByAppId(appId);
  if (!app || app.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
    return fail(
      aadFailure(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${appId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      ),
    );
  }
  if (!app.servicePrincipal) {
    return invalidClient(
      7000229,
      `The client application ${appId} is missing service principal in the tenant ${tenantId}.`,
    );
  }
  if (!app.servicePrincipal.accountEnabled) {
    return fail(
      aadFailure(
        400,
        'unauthorized_client',
        7000112,
        `Application '${appId}'(${app.displayName}) is disabled.`,
      ),
    );
  }
  switch (credential.kind) {
    case 'none':
      return invalidClient(
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    case 'secret':
      return checkSecret(ctx, app, credential.value);
    case 'assertion':
      return checkAssertion(ctx, app, credential.jwt, credential.tokenEndpoint);
    case 'certificatePem': {
      const thumbprint = pemThumbprintSha256(credential.pem);
      if (!thumbprint) return invalidClient(700027, 'The certificate could not be read.');
      return checkCertificate(ctx, app, 'sha256', thumbprint);
    }
    case 'federated':
      return checkFederated(ctx, app, credential.issuer, credential.subject, credential.audience);
  }
}
