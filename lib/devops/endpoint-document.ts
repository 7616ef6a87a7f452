/**
 * The service connection as a plain JSON document: what GET returns and PUT takes back whole
 * (azure-apis.md §1.6 "GET, modify only the needed fields, PUT the whole object back").
 *
 * node-api turns `creationDate`/`modificationDate` into `Date`s (its `TypeInfo.ServiceEndpoint`);
 * a JSON round trip turns them back into the ISO strings the service sent, so the document the
 * engine edits and compares is exactly JSON.
 */
import { RotatorError } from '../errors';
import type { EndpointDocument } from './types';

/** Authorization parameters whose values are secrets (write-only on the service). */
const CONFIDENTIAL = /key|secret|password|token|certificate/i;

/**
 * A JSON copy of a connection from node-api as an {@link EndpointDocument}. A body without
 * `authorization` or `data` means the caller may see the connection but not its details (TF
 * `commons.go checkServiceConnection`): that is `devops.forbidden`.
 */
export function toEndpointDocument(raw: unknown, subject: string): EndpointDocument {
  const document = JSON.parse(JSON.stringify(raw ?? null)) as Record<string, unknown> | null;
  if (!document || typeof document !== 'object' || typeof document['id'] !== 'string') {
    throw new RotatorError('devops.failed', `Azure DevOps returned no usable document for ${subject}`);
  }
  const authorization = document['authorization'] as EndpointDocument['authorization'] | undefined;
  if (!authorization || typeof authorization !== 'object' || !document['data']) {
    throw new RotatorError('devops.forbidden', `The details of ${subject} are not visible to this identity`, {
      fix: `Grant the identity the "User" or "Administrator" role on ${subject} (Project settings → Service connections → Security).`,
    });
  }
  authorization.parameters ??= {};
  document['serviceEndpointProjectReferences'] ??= [];
  return document as unknown as EndpointDocument;
}

/** The values of the confidential parameters of a document (to redact them from any text). */
export function confidentialValues(document: EndpointDocument | undefined): string[] {
  if (!document) return [];
  return Object.entries(document.authorization?.parameters ?? {})
    .filter(([key, value]) => CONFIDENTIAL.test(key) && typeof value === 'string' && value.length > 0)
    .map(([, value]) => value as string);
}
