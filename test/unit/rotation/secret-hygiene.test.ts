import assert from 'node:assert/strict';
import { executePlan } from '../../../lib/rotation/executor';
import { plan } from '../../../lib/rotation/planner';
import { days, NOW, POLICY, uuid } from '../inventory/builders';
import { CONN_A, CONN_B, World } from './world';

describe('secret hygiene', () => {
  it('never puts secret text into a result, plan, inventory, step event or log line', async () => {
    const world = new World();
    const CONN_C = uuid(102);
    const CONN_D = uuid(103);
    world.addConnection({ id: CONN_A, name: 'happy', endMs: NOW + days(5) });
    world.addConnection({ id: CONN_B, name: 'proof-fails', endMs: NOW + days(5) });
    world.addConnection({ id: CONN_C, name: 'put-lost', endMs: NOW + days(5) });
    world.addConnection({ id: CONN_D, name: 'auto', endMs: NOW + days(5), creationMode: 'Automatic' });
    world.devops.failUpdate.set(CONN_C, 'lost_request');
    // The prover echoes the secret in its error, as a careless adapter might: it must be redacted.
    const prove = world.graph.proveSecret.bind(world.graph);
    world.graph.proveSecret = async (tenantId, appId, secret) => {
      if (world.journal.entries.filter((e) => e.op === 'prove').length === 1) {
        throw new Error(`token request with client_secret=${secret} failed`);
      }
      return prove(tenantId, appId, secret);
    };
    // Removing that password fails with an error echoing its secret, too.
    const remove = world.graph.removePassword.bind(world.graph);
    let removals = 0;
    world.graph.removePassword = async (objectId, keyId) => {
      removals += 1;
      const secret = world.masked.find((s) => world.graph.keyIdOfSecret(s) === keyId);
      if (removals === 1 && secret) throw new Error(`removePassword failed; body had ${secret}`);
      return remove(objectId, keyId);
    };
    const outputs: unknown[] = [];

    const first = await world.run({ automaticConnections: 'takeOver' });
    outputs.push(first);
    world.clock.advance(days(151));
    const inventory = await world.discover();
    const p = plan(inventory, POLICY, world.clock.now());
    outputs.push(
      inventory,
      p,
      await Promise.all([executePlan(p, world.executeOptions()), executePlan(p, world.executeOptions())]),
    );

    const text = JSON.stringify([outputs, world.events, world.logs]);
    const secrets = [...world.graph.secrets, 'cached-access-token-value'];
    assert.ok(world.masked.length >= 4, 'secrets were minted');
    for (const secret of secrets) assert.ok(!text.includes(secret), `secret ${secret.slice(0, 8)}… leaked`);
    assert.ok(
      text.includes('client_secret=*** failed'),
      'the echoed secret was redacted, not dropped silently',
    );
    assert.ok(text.includes('body had ***'), 'the secret echoed by the failed compensation was redacted');
    assert.ok(world.masked.every((s) => world.graph.secrets.includes(s)));
  });
});
