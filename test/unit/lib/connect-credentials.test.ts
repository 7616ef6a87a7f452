import assert from 'node:assert/strict';
import { type ConnectOptions, connect, InvalidInputError } from '../../../lib';

const base = {
  organizationUrl: 'https://dev.azure.com/contoso',
  devOps: { kind: 'rotator' },
} as const;

function problemsOf(options: ConnectOptions): string[] {
  try {
    connect(options);
    return [];
  } catch (error) {
    assert.ok(error instanceof InvalidInputError, String(error));
    return error.problems.map((p) => `${p.option}: ${p.allowed}`);
  }
}

describe('connect: the rotator credential', () => {
  const tokens = { getToken: async () => 'token' };

  it('takes a token source without an application id, and hands its tokens to the clients', async () => {
    const rotator = connect({ ...base, rotator: { tenantId: 't', credential: { kind: 'tokens', tokens } } });
    assert.equal(
      await rotator.clients.rotatorTokens.getToken('https://graph.microsoft.com/.default'),
      'token',
    );
  });

  it('still needs the application id for client credentials', () => {
    assert.deepEqual(
      problemsOf({ ...base, rotator: { tenantId: 't', credential: { kind: 'secret', clientSecret: 's' } } }),
      ['rotator.appId: expected the rotator identity’s application (client) id'],
    );
  });

  it('names a token source that cannot give tokens, and an unknown kind', () => {
    const notProvider = { kind: 'tokens', tokens: {} } as unknown as ConnectOptions['rotator']['credential'];
    assert.deepEqual(problemsOf({ ...base, rotator: { tenantId: 't', credential: notProvider } }), [
      'rotator.credential.tokens: expected a token provider (an object with getToken(scope))',
    ]);
    const unknown = { kind: 'password' } as unknown as ConnectOptions['rotator']['credential'];
    assert.deepEqual(problemsOf({ ...base, rotator: { tenantId: 't', appId: 'a', credential: unknown } }), [
      "rotator.credential: expected a credential of kind 'secret', 'certificate', 'federated' or 'tokens'",
    ]);
  });
});
