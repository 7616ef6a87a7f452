/**
 * The body of the switching PUT (spec §5.1 step 4), built from the GET body with only the needed
 * fields changed (azure-apis.md §1.5–1.7). Pure; never mutates its input.
 */
import type { EndpointDocument } from '../devops/types';
import { type RotationRecord, withRecord } from './record';

/** What the switch changes. */
export interface SwitchChange {
  /** The new credential. Only ever placed in `parameter`. */
  secret: string;
  /**
   * Which parameter holds it: `serviceprincipalkey` (a client secret) or
   * `servicePrincipalCertificate` (the certificate PEM then its private key PEM, spec §9).
   * @default 'serviceprincipalkey'
   */
  parameter?: 'serviceprincipalkey' | 'servicePrincipalCertificate';
  /** The record of the new keyId; replaces any previous record trailer, user text kept. */
  record: RotationRecord;
  /** Make an Automatic connection Manual (policy `takeOver`, spec §5.3). */
  takeOver: boolean;
}

const SECRET_KEY = 'serviceprincipalkey';
/** `accesstoken: null` in a PUT can break an Automatic connection (azure-apis.md §1.5). */
const DROPPED_PARAMETERS = new Set(['accesstoken']);
/** Rejected on Manual connections (azure-apis.md §1.7). */
const AUTOMATIC_ONLY_DATA = new Set(['spnobjectid', 'appobjectid']);

/**
 * Builds the PUT body from `current` (a GET body):
 *
 * - `authorization.parameters.serviceprincipalkey` (or `servicePrincipalCertificate`, see
 *   {@link SwitchChange.parameter}) = the new credential (under the key's existing spelling; keys
 *   are matched case-insensitively by the service);
 * - every other parameter is kept exactly, confidential ones as `null`: `null` keeps the stored
 *   value while an omitted confidential key is DROPPED by the service;
 * - the `accesstoken` parameter is removed;
 * - `description` carries the record (any older record replaced, the user's text kept);
 * - with `takeOver`: `data.creationMode` = `Manual`, `data.spnObjectId` and `data.appObjectId`
 *   removed. `azureSpnRoleAssignmentId` and `azureSpnPermissions` are kept: Manual validation does
 *   not check them, and they still describe the role assignment ADO made.
 *
 * Everything else (id, name, url, project references, other data) is unchanged.
 */
export function buildSwitchDocument(current: EndpointDocument, change: SwitchChange): EndpointDocument {
  const next = structuredClone(current);
  const parameters: Record<string, string | null> = {};
  const target = change.parameter ?? SECRET_KEY;
  let secretKey: string | null = null;
  for (const [key, value] of Object.entries(current.authorization.parameters)) {
    const lower = key.toLowerCase();
    if (DROPPED_PARAMETERS.has(lower)) continue;
    if (lower === target.toLowerCase()) {
      // One spelling only: two keys differing in case would be the same parameter to the service.
      secretKey ??= key;
      continue;
    }
    parameters[key] = value;
  }
  parameters[secretKey ?? target] = change.secret;
  next.authorization = { ...next.authorization, parameters };
  next.description = withRecord(current.description, change.record);

  if (change.takeOver) {
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(current.data)) {
      if (!AUTOMATIC_ONLY_DATA.has(key.toLowerCase()) && key.toLowerCase() !== 'creationmode')
        data[key] = value;
    }
    data['creationMode'] = 'Manual';
    next.data = data;
  }
  return next;
}

/**
 * The `creationMode` the service will apply to `document`: the explicit value, or, when it is
 * missing, Automatic if `spnObjectId` or `appObjectId` is present (azure-apis.md §1.7).
 */
export function effectiveCreationMode(document: EndpointDocument): 'Automatic' | 'Manual' {
  const entries = Object.entries(document.data ?? {});
  const mode = entries.find(([key]) => key.toLowerCase() === 'creationmode')?.[1];
  if (mode) return mode.toLowerCase() === 'automatic' ? 'Automatic' : 'Manual';
  return entries.some(([key, value]) => AUTOMATIC_ONLY_DATA.has(key.toLowerCase()) && value)
    ? 'Automatic'
    : 'Manual';
}

/** Reads an authorization parameter case-insensitively. */
export function parameterOf(document: EndpointDocument, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(document.authorization?.parameters ?? {})) {
    if (key.toLowerCase() === lower) return value;
  }
  return null;
}
