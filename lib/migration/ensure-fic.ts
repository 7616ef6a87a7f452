/**
 * Creating the Entra federated credential of a connection, idempotently (spec §8): an existing one
 * with the same issuer, subject and audience is success (a crashed run's, or someone else's); an
 * app already holding 20 is `migration.fic_limit` with nothing written; after an ambiguous or
 * conflicting create (409 name exists, 400 issuer and subject exist) the list is read again and
 * only a credential that really matches counts. Never two creates for one connection.
 */
import { RotatorError } from '../errors';
import { TOKEN_EXCHANGE_AUDIENCE } from '../federation/issuers';
import type { FederatedCredentialInfo } from '../graph/types';
import type { FederatedCredentialStore } from './ports';
import { MAX_FEDERATED_CREDENTIALS } from './skip-reasons';
import type { FederationTarget } from './types';

/** The outcome: the credential that trusts the target, and whether this call created it. */
export interface EnsuredFic {
  credential: FederatedCredentialInfo;
  created: boolean;
}

function matching(list: readonly FederatedCredentialInfo[], target: FederationTarget) {
  return list.find(
    (f) =>
      f.issuer === target.issuer &&
      f.subject === target.subject &&
      f.audiences.includes(TOKEN_EXCHANGE_AUDIENCE),
  );
}

/** See the file comment. */
export async function ensureFederatedCredential(
  store: FederatedCredentialStore,
  appObjectId: string,
  target: FederationTarget,
  description: string,
): Promise<EnsuredFic> {
  const before = await store.listFederatedCredentials(appObjectId);
  const existing = matching(before, target);
  if (existing) return { credential: existing, created: false };
  if (before.some((f) => f.issuer === target.issuer && f.subject === target.subject)) {
    throw new RotatorError(
      'migration.fic_conflict',
      `The application already has a federated credential for issuer ${target.issuer} and subject ${target.subject} with another audience.`,
      { fix: `Set its audience to ${TOKEN_EXCHANGE_AUDIENCE}, or delete it, then run again.` },
    );
  }
  if (before.length >= MAX_FEDERATED_CREDENTIALS) {
    throw new RotatorError(
      'migration.fic_limit',
      `The application already holds ${before.length} federated credentials, the most Entra allows; nothing was written.`,
      { fix: 'Delete a federated credential the app no longer needs, then run again.' },
    );
  }
  if (before.some((f) => f.name.toLowerCase() === target.ficName.toLowerCase())) {
    throw new RotatorError(
      'migration.fic_conflict',
      `The application has a federated credential named ${target.ficName} with another issuer or subject.`,
      { fix: 'Delete or rename that credential (it is named after the connection id), then run again.' },
    );
  }
  try {
    const credential = await store.createFederatedCredential(appObjectId, {
      name: target.ficName,
      issuer: target.issuer,
      subject: target.subject,
      audiences: [TOKEN_EXCHANGE_AUDIENCE],
      description,
    });
    return { credential, created: true };
  } catch (error) {
    // The create may have landed (no answer) or a concurrent run won: only the list tells.
    const after = await store.listFederatedCredentials(appObjectId).catch(() => null);
    const found = after ? matching(after, target) : undefined;
    if (found) return { credential: found, created: found.name === target.ficName };
    throw error;
  }
}
