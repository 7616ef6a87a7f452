import { type Prng, randomInt } from '../core/prng';

/** Fractions of connections of each kind; the rest are Manual client-secret connections. */
export interface ConnectionMix {
  /** Created by Azure DevOps (`creationMode: Automatic`). @default 0.08 */
  readonly automatic: number;
  /** Workload identity federation. @default 0.06 */
  readonly workloadIdentity: number;
  /** Certificate (`spnCertificate`). @default 0.02 */
  readonly certificate: number;
  /** Not AzureRM (Generic, GitHub). @default 0.05 */
  readonly otherTypes: number;
  /** Creation failed (`isReady: false`). @default 0.02 */
  readonly failed: number;
  /** Pointing at an app that no longer exists. @default 0.01 */
  readonly deletedApp: number;
  /** App whose service principal is disabled. @default 0.01 */
  readonly disabledServicePrincipal: number;
}

/** The mix `generateOrg` uses unless told otherwise. */
export const DEFAULT_MIX: ConnectionMix = {
  automatic: 0.08,
  workloadIdentity: 0.06,
  certificate: 0.02,
  otherTypes: 0.05,
  failed: 0.02,
  deletedApp: 0.01,
  disabledServicePrincipal: 0.01,
};

/** Hex digits from the generator (tokens, fake secrets). */
export const hex = (next: Prng, length: number) =>
  Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');

/** Days until expiry with the spread a real organization shows: mostly fine, some due, some expired. */
export function expiresInDays(next: Prng): number {
  const r = next();
  if (r < 0.55) return randomInt(next, 45, 700);
  if (r < 0.75) return randomInt(next, 8, 30);
  if (r < 0.85) return randomInt(next, 1, 7);
  return -randomInt(next, 1, 90);
}

/** What a generated connection is. */
export type Kind =
  | 'manual'
  | 'automatic'
  | 'wif'
  | 'certificate'
  | 'other'
  | 'failed'
  | 'deletedApp'
  | 'disabledSp';

/** Draws a connection kind according to the mix. */
export function kindOf(next: Prng, mix: ConnectionMix): Kind {
  const order: [Kind, number][] = [
    ['automatic', mix.automatic],
    ['wif', mix.workloadIdentity],
    ['certificate', mix.certificate],
    ['other', mix.otherTypes],
    ['failed', mix.failed],
    ['deletedApp', mix.deletedApp],
    ['disabledSp', mix.disabledServicePrincipal],
  ];
  let r = next();
  for (const [kind, share] of order) {
    if (r < share) return kind;
    r -= share;
  }
  return 'manual';
}
