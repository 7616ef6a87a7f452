/**
 * What must hold after every run, from the emulator's point of view (spec §5.2):
 * - every connection that had a working secret still stores one, and it gets a token;
 * - a connection's record names the password it stores, and that password exists;
 * - no removal ever hit a password a connection stored at that moment (the witness);
 * - per connection, at most one superseded product-minted password is still within its grace;
 * - orphans (product-minted, never installed) younger than the orphan guard may remain, older
 *   ones may not;
 * - passwords the product did not mint are never removed.
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../../emulator';
import { MS_PER_HOUR } from '../../../lib/clock';
import { parseMarker } from '../../../lib/rotation/marker';
import { parseRecord } from '../../../lib/rotation/record';
import type { CredentialWitness } from './credential-witness';

const MINUTE = 60_000;

/** What {@link assertInvariants} checks against. */
export interface InvariantOptions {
  /** Connections whose stored secret must get a token (those that had a working secret). */
  connections: readonly string[];
  /** The task's `revokeAfterHours`. */
  graceHours: number;
  /** The planner's orphan guard. @default 60 */
  orphanGuardMinutes?: number;
}

/** Counts for the table. */
export interface InvariantCounts {
  tokens: number;
  orphansKept: number;
  supersededInGrace: number;
}

/** Product-minted passwords of the app for one connection, with their mint time. */
export function productPasswords(
  emulator: Emulator,
  connectionId: string,
): Array<{ keyId: string; mintedMs: number }> {
  const connection = emulator.state.connection(connectionId);
  const app = emulator.state.application(connection?.parameters.serviceprincipalid ?? '');
  const id = connectionId.toLowerCase();
  return (app?.passwordCredentials ?? []).flatMap((p) => {
    const marker = parseMarker(p.displayName);
    return marker?.connectionId === id
      ? [{ keyId: p.keyId.toLowerCase(), mintedMs: Date.parse(marker.mintedAt) }]
      : [];
  });
}

/** Asks the emulated Entra ID for a token with the secret connection `id` stores (client credentials). */
export async function storedSecretGetsToken(emulator: Emulator, id: string): Promise<boolean> {
  const connection = emulator.state.connection(id);
  const stored = connection?.confidential.get('serviceprincipalkey');
  if (!connection || stored?.kind !== 'literal') return false;
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: connection.parameters.serviceprincipalid ?? '',
    client_secret: stored.value,
    scope: `${emulator.urls.graph}/.default`,
  });
  const response = await fetch(
    `${emulator.urls.authorityHost}/${connection.parameters.tenantid}/oauth2/v2.0/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    },
  );
  const json = (await response.json()) as { access_token?: unknown };
  return response.status === 200 && typeof json.access_token === 'string';
}

/** Asserts the invariants in the file comment; `nowMs` is emulator time. */
export async function assertInvariants(
  emulator: Emulator,
  witness: CredentialWitness,
  options: InvariantOptions,
  when: string,
): Promise<InvariantCounts> {
  const nowMs = emulator.clock.nowMs();
  const guardMs = (options.orphanGuardMinutes ?? 60) * MINUTE;
  const counts: InvariantCounts = { tokens: 0, orphansKept: 0, supersededInGrace: 0 };
  assert.deepEqual(witness.violations, [], `${when}: a password in use was revoked`);

  for (const id of options.connections) {
    const connection = emulator.state.connection(id);
    assert.ok(connection, `${when}: connection ${id} exists`);
    const name = connection.name;
    const stored = witness.storedKeyId(id);
    assert.ok(stored, `${when}: "${name}" stores a password of its app`);
    assert.ok(await storedSecretGetsToken(emulator, id), `${when}: the secret "${name}" stores gets a token`);
    counts.tokens += 1;

    const record = parseRecord(connection.description);
    if (record)
      assert.equal(record.keyId, stored, `${when}: the record of "${name}" names the password it stores`);

    const installed = new Map(witness.installations(id).map((i) => [i.keyId, i]));
    for (const p of productPasswords(emulator, id)) {
      if (p.keyId === stored) continue;
      const install = installed.get(p.keyId);
      if (install) {
        if (install.supersededMs !== null && nowMs - install.supersededMs < options.graceHours * MS_PER_HOUR)
          counts.supersededInGrace += 1;
      } else {
        assert.ok(
          nowMs - p.mintedMs < guardMs,
          `${when}: "${name}" still has orphan ${p.keyId}, minted ${Math.round((nowMs - p.mintedMs) / MINUTE)} min ago and never installed`,
        );
        counts.orphansKept += 1;
      }
    }
    const inGrace = [...installed.values()].filter(
      (i) =>
        i.supersededMs !== null &&
        nowMs - i.supersededMs < options.graceHours * MS_PER_HOUR &&
        productPasswords(emulator, id).some((p) => p.keyId === i.keyId),
    );
    assert.ok(
      inGrace.length <= 1,
      `${when}: "${name}" keeps ${inGrace.length} superseded passwords within the grace`,
    );
  }

  for (const [appId, keys] of witness.foreign) {
    const present = new Set(emulator.state.application(appId)?.passwordCredentials.map((p) => p.keyId) ?? []);
    for (const keyId of keys)
      assert.ok(present.has(keyId), `${when}: foreign password ${keyId} of app ${appId} kept`);
  }
  return counts;
}

/** What a run may not change on a connection it failed: stored secret, record, mode, app passwords. */
export function connectionState(emulator: Emulator, witness: CredentialWitness, id: string) {
  const connection = emulator.state.connection(id);
  const app = emulator.state.application(connection?.parameters.serviceprincipalid ?? '');
  return {
    stored: witness.storedKeyId(id),
    description: connection?.description ?? null,
    creationMode: connection?.data.creationMode ?? null,
    passwords: (app?.passwordCredentials.map((p) => p.keyId) ?? []).sort(),
  };
}
