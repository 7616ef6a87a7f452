// The fakes must apply the services' rules, or the executor tests prove nothing.
import assert from 'node:assert/strict';
import { hasCode } from '../../../lib/errors';
import { days, NOW } from '../inventory/builders';
import { CONN_A, PROJECT, World } from './world';

async function seeded(creationMode: 'Manual' | 'Automatic' = 'Manual') {
  const world = new World();
  world.addConnection({ id: CONN_A, name: 'c', endMs: NOW + days(10), creationMode });
  const doc = (await world.devops.get(PROJECT.id, CONN_A))!;
  return { world, doc, secret: world.devops.secretOf(CONN_A) };
}

describe('fakes', () => {
  it('never returns a stored secret', async () => {
    const { doc } = await seeded('Automatic');
    assert.equal(doc.authorization.parameters['serviceprincipalkey'], null);
    assert.equal(doc.authorization.parameters['accesstoken'], null);
  });

  it('keeps the stored secret when the PUT sends it as null', async () => {
    const { world, doc, secret } = await seeded();
    await world.devops.update(doc);
    assert.equal(world.devops.secretOf(CONN_A), secret);
  });

  it('drops the stored secret when the PUT omits it', async () => {
    const { world, doc } = await seeded();
    delete doc.authorization.parameters['serviceprincipalkey'];
    await world.devops.update(doc);
    assert.equal(world.devops.secretOf(CONN_A), null);
  });

  it('rejects spnObjectId on a Manual connection', async () => {
    const { world, doc } = await seeded('Automatic');
    doc.data['creationMode'] = 'Manual';
    await assert.rejects(world.devops.update(doc), (e: unknown) => hasCode(e, 'devops.bad_request'));
  });

  it('rejects an Automatic connection without its object ids', async () => {
    const { world, doc } = await seeded('Automatic');
    delete doc.data['spnObjectId'];
    await assert.rejects(world.devops.update(doc), /Service connection field not specified: spnObjectId/);
  });

  it('rejects unknown data keys', async () => {
    const { world, doc } = await seeded();
    doc.data['rotatorKeyId'] = 'x';
    await assert.rejects(world.devops.update(doc), /not expected: rotatorKeyId/);
  });

  it('breaks a connection whose PUT carries accesstoken', async () => {
    const { world, doc } = await seeded('Automatic');
    await world.devops.update(doc);
    assert.equal(world.devops.view(CONN_A)?.isReady, false);
  });

  it('answers 403 to a PUT when configured', async () => {
    const { world, doc } = await seeded();
    world.devops.forbidden.add(CONN_A);
    await assert.rejects(world.devops.update(doc), (e: unknown) => hasCode(e, 'devops.not_admin'));
  });

  it('passes TestConnection only with a secret that signs in', async () => {
    const { world, doc } = await seeded();
    assert.equal((await world.devops.test(PROJECT.id, CONN_A)).ok, true);
    doc.authorization.parameters['serviceprincipalkey'] = 'wrong';
    assert.equal((await world.devops.test(PROJECT.id, CONN_A, doc)).ok, false);
  });
});
