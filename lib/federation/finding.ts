/**
 * What a workload identity federation connection's app says about it (spec §7): a pure function
 * of the issuer and subject the connection shows (`authorization.parameters`, never a token's
 * claims), its cloud, and the app's sign-in audience and federated credentials (FICs).
 *
 * Entra matches exactly (federation-and-certificates.md §4.12): issuer, subject (case-sensitive)
 * and the one audience `api://AzureADTokenExchange` of a single FIC. Nothing here trims or
 * lower-cases, so an issuer with a trailing space is another issuer, as it is to Entra. The codes
 * are what the token exchange answers when nothing matches (federation-and-certificates.md §1.6,
 * §4.1–4.5): 70025 no FIC at all, 700211 no FIC has the issuer, 700213 none with the issuer has the
 * subject, 70021 no match otherwise (the audience; also the old `app.vstoken.visualstudio.com`
 * issuer, azure-apis.md §4.1).
 */
import type { FederatedCredentialInfo } from '../graph/types';
import { classifyIssuer, TOKEN_EXCHANGE_AUDIENCE, VISUAL_STUDIO_ISSUER } from './issuers';

/** Issuer, subject and audience: what Entra compares. */
export interface FederationTriple {
  issuer: string;
  subject: string;
  audience: string;
}

/**
 * - `federated`: a FIC matches and the issuer is not a retiring one;
 * - `legacy_issuer`: a FIC matches on an Azure DevOps issuer, single-tenant app in the public cloud:
 *   it stops working on 2027-07-01 (`LegacyIssuerCount`);
 * - `legacy_out_of_scope`: the same for a multitenant app or another cloud, which keep it;
 * - `broken`: no FIC matches (`federation_mismatch`, counted in `FailedCount`);
 * - `managed_identity`: the identity is a managed identity, its FICs are not in Graph;
 * - `not_checked`: the app's FICs were not read, or the connection shows no issuer or subject.
 */
export type FederationKind =
  | 'federated'
  | 'legacy_issuer'
  | 'legacy_out_of_scope'
  | 'broken'
  | 'managed_identity'
  | 'not_checked';

/** One WIF connection's federation, as the report keeps it. */
export interface FederationFinding {
  kind: FederationKind;
  /** The connection's issuer, as the service shows it; null when absent. */
  issuer: string | null;
  /** The connection's subject, as the service shows it; null when absent. */
  subject: string | null;
  /** `broken`: the FIC closest to the expected triple, null when the app has none to compare. */
  nearest?: (FederationTriple & { name: string }) | null;
  /** `broken`: the AADSTS code the token exchange answers. */
  aadsts?: number;
  /** One sentence for the report and summary. */
  note: string;
}

/** What {@link federationFinding} looks at. */
export interface FederationInput {
  issuer: string | null;
  subject: string | null;
  /** `data.environment`, e.g. `AzureCloud`. */
  environment: string;
  /** The app as read; `federatedCredentials` undefined when not read. */
  app: { signInAudience?: string | null; federatedCredentials?: readonly FederatedCredentialInfo[] };
}

/** The public cloud, the only one the 2027-07-01 retirement applies to. */
const PUBLIC_CLOUD = 'AzureCloud';
/** The single-tenant sign-in audience (anything else is multitenant or personal accounts). */
const SINGLE_TENANT = 'AzureADMyOrg';

/** True when `fic` is exactly the trust `triple` needs (one audience, equal strings). */
export function matchesExactly(fic: FederatedCredentialInfo, triple: FederationTriple): boolean {
  return (
    !fic.flexible &&
    fic.issuer === triple.issuer &&
    fic.subject === triple.subject &&
    fic.audiences.length === 1 &&
    fic.audiences[0] === triple.audience
  );
}

/** See the file comment. */
export function federationFinding(input: FederationInput): FederationFinding {
  const { issuer, subject } = input;
  const base = { issuer, subject };
  if (!issuer || !subject) {
    return {
      ...base,
      kind: 'not_checked',
      note: 'The connection shows no federation issuer or subject, so its federated credential was not checked.',
    };
  }
  const fics = input.app.federatedCredentials;
  if (fics === undefined) {
    return { ...base, kind: 'not_checked', note: "The app's federated credentials were not read." };
  }
  const expected: FederationTriple = { issuer, subject, audience: TOKEN_EXCHANGE_AUDIENCE };
  const match = fics.find((f) => matchesExactly(f, expected));
  if (!match || issuer === VISUAL_STUDIO_ISSUER) return broken(expected, fics);

  const kind = classifyIssuer(issuer).kind;
  if (kind !== 'azure-devops') {
    return { ...base, kind: 'federated', note: `Federated credential "${match.name}" matches.` };
  }
  const audience = input.app.signInAudience ?? SINGLE_TENANT;
  if (audience !== SINGLE_TENANT) {
    return {
      ...base,
      kind: 'legacy_out_of_scope',
      note: `On the Azure DevOps issuer, which a multitenant app (${audience}) keeps after 2027-07-01: nothing to do.`,
    };
  }
  if (input.environment !== PUBLIC_CLOUD) {
    return {
      ...base,
      kind: 'legacy_out_of_scope',
      note: `On the Azure DevOps issuer, which the ${input.environment} cloud keeps after 2027-07-01: nothing to do.`,
    };
  }
  return {
    ...base,
    kind: 'legacy_issuer',
    note: 'On the Azure DevOps issuer, retired on 2027-07-01 for single-tenant apps in the public cloud.',
  };
}

/** The finding when no FIC matches: the nearest one and the code Entra answers. */
function broken(expected: FederationTriple, fics: readonly FederatedCredentialInfo[]): FederationFinding {
  const usable = fics.filter((f) => !f.flexible);
  const sameBoth = usable.find((f) => f.issuer === expected.issuer && f.subject === expected.subject);
  const sameSubject = usable.find((f) => f.subject === expected.subject);
  const sameIssuer = usable.find((f) => f.issuer === expected.issuer);
  const nearestFic = sameBoth ?? sameIssuer ?? sameSubject ?? usable[0];
  // Entra's order (federation-and-certificates.md §1.6): no FIC at all; no FIC with this issuer;
  // none with this issuer and subject; otherwise (the audience, the old issuer) no match.
  let aadsts = 70021;
  if (fics.length === 0) aadsts = 70025;
  else if (expected.issuer === VISUAL_STUDIO_ISSUER) aadsts = 70021;
  else if (!sameIssuer) aadsts = 700211;
  else if (!sameBoth) aadsts = 700213;
  const nearest = nearestFic
    ? {
        name: nearestFic.name,
        issuer: nearestFic.issuer,
        subject: nearestFic.subject,
        audience: nearestFic.audiences.join(','),
      }
    : null;
  return {
    kind: 'broken',
    issuer: expected.issuer,
    subject: expected.subject,
    nearest,
    aadsts,
    note: brokenNote(expected, nearest, fics.length, aadsts),
  };
}

function brokenNote(
  expected: FederationTriple,
  nearest: FederationFinding['nearest'],
  count: number,
  aadsts: number,
): string {
  const want = `issuer ${quote(expected.issuer)}, subject ${quote(expected.subject)}, audience ${quote(expected.audience)}`;
  if (expected.issuer === VISUAL_STUDIO_ISSUER) {
    return `The connection uses the old issuer ${quote(expected.issuer)}, which Entra no longer accepts (AADSTS70021).`;
  }
  if (count === 0) return `The app has no federated credential; the connection needs ${want} (AADSTS70025).`;
  if (!nearest) {
    return `The app has only flexible federated credentials, none for Azure DevOps; the connection needs ${want} (AADSTS${aadsts}).`;
  }
  const differs: string[] = [];
  if (nearest.issuer !== expected.issuer) differs.push(`issuer ${quote(nearest.issuer)}`);
  if (nearest.subject !== expected.subject) differs.push(`subject ${quote(nearest.subject)}`);
  if (nearest.audience !== expected.audience) differs.push(`audience ${quote(nearest.audience)}`);
  return `No federated credential matches: the connection needs ${want}; the nearest, "${nearest.name}", has ${differs.join(', ')} (AADSTS${aadsts}).`;
}

/** A value in quotes, as JSON writes it, so that a stray space or control character shows. */
function quote(value: string): string {
  return JSON.stringify(value);
}
