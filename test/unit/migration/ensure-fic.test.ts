import assert from 'node:assert/strict';
import { hasCode, RotatorError } from '../../../lib/errors';
import type { FederatedCredentialInfo } from '../../../lib/graph/types';
import { ensureFederatedCredential } from '../../../lib/migration/ensure-fic';
import type { FederatedCredentialStore, NewFederatedCredential } from '../../../lib/migration/ports';

const TARGET = {
  issuer: 'https://login.microsoftonline.com/t/v2.0',
  subject: '/eid1/c/pub/t/T/a/A/sc/o/c',
  ficName: 'sc-rotator-c',
};
const AUD = ['api://AzureADTokenExchange'];

/** An app's federated credentials in memory; `failCreate` makes the next create throw, after or before it lands. */
class FakeStore implements FederatedCredentialStore {
  readonly calls: string[] = [];
  failCreate: { landed: boolean; error: Error } | null = null;
  constructor(readonly fics: FederatedCredentialInfo[] = []) {}
  async listFederatedCredentials() {
    this.calls.push('list');
    return this.fics.map((f) => ({ ...f }));
  }
  async createFederatedCredential(_app: string, c: NewFederatedCredential) {
    this.calls.push(`create ${c.name}`);
    const made = { id: `id-${c.name}`, ...c, description: c.description };
    const fail = this.failCreate;
    this.failCreate = null;
    if (fail?.landed) this.fics.push(made);
    if (fail) throw fail.error;
    this.fics.push(made);
    return made;
  }
  async deleteFederatedCredential() {}
  async removePassword() {}
}

const fic = (name: string, subject: string, audiences = AUD): FederatedCredentialInfo => ({
  id: name,
  name,
  issuer: TARGET.issuer,
  subject,
  audiences,
  description: null,
});

describe('ensureFederatedCredential', () => {
  it('creates the credential when none trusts the target', async () => {
    const store = new FakeStore();
    const result = await ensureFederatedCredential(store, 'app', TARGET, 'd');
    assert.equal(result.created, true);
    assert.deepEqual(store.calls, ['list', 'create sc-rotator-c']);
  });

  it('takes an identical existing credential as success, whatever its name (a crashed run, or the portal)', async () => {
    const store = new FakeStore([fic('made-by-hand', TARGET.subject)]);
    const result = await ensureFederatedCredential(store, 'app', TARGET, 'd');
    assert.deepEqual([result.created, result.credential.name], [false, 'made-by-hand']);
    assert.deepEqual(store.calls, ['list']);
  });

  it('refuses with fic_limit and writes nothing when the app holds 20', async () => {
    const store = new FakeStore(Array.from({ length: 20 }, (_, i) => fic(`f${i}`, `s${i}`)));
    await assert.rejects(ensureFederatedCredential(store, 'app', TARGET, 'd'), (e) =>
      hasCode(e, 'migration.fic_limit'),
    );
    assert.deepEqual(store.calls, ['list']);
  });

  it('refuses a same-issuer-and-subject credential with another audience, and a taken name, without writing', async () => {
    const otherAudience = new FakeStore([fic('x', TARGET.subject, ['api://other'])]);
    await assert.rejects(ensureFederatedCredential(otherAudience, 'app', TARGET, 'd'), (e) =>
      hasCode(e, 'migration.fic_conflict'),
    );
    const nameTaken = new FakeStore([fic('sc-rotator-c', '/something/else')]);
    await assert.rejects(ensureFederatedCredential(nameTaken, 'app', TARGET, 'd'), (e) =>
      hasCode(e, 'migration.fic_conflict'),
    );
    assert.deepEqual([...otherAudience.calls, ...nameTaken.calls], ['list', 'list']);
  });

  it('after a create with no answer that landed, finds it by listing: one credential, no second create', async () => {
    const store = new FakeStore();
    store.failCreate = { landed: true, error: new RotatorError('http.network', 'socket reset') };
    const result = await ensureFederatedCredential(store, 'app', TARGET, 'd');
    assert.equal(result.credential.name, 'sc-rotator-c');
    assert.deepEqual(store.calls, ['list', 'create sc-rotator-c', 'list']);
    assert.equal(store.fics.length, 1);
  });

  it('rethrows a create that did not land', async () => {
    const store = new FakeStore();
    store.failCreate = { landed: false, error: new RotatorError('graph.forbidden', 'no') };
    await assert.rejects(ensureFederatedCredential(store, 'app', TARGET, 'd'), (e) =>
      hasCode(e, 'graph.forbidden'),
    );
    assert.equal(store.fics.length, 0);
  });
});
