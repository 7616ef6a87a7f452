import assert from 'node:assert/strict';
import { WebApi } from 'azure-devops-node-api';
import sinon from 'sinon';
import type { TokenProvider } from '../../../lib/auth/token-provider';
import { DevOpsSession } from '../../../lib/devops/devops-session';

describe('DevOpsSession', () => {
  afterEach(() => sinon.restore());

  it('reuses the node-api clients while the token is unchanged and rebuilds them when it changes', async () => {
    // node-api handlers keep the token they were built with: each WebApi stands for one token.
    sinon.stub(WebApi.prototype, 'getServiceEndpointApi').callsFake(async function (this: WebApi) {
      return { token: (this.authHandler as unknown as { token: string }).token } as never;
    });
    let token = 'token-1';
    const scopes: string[] = [];
    const provider: TokenProvider = {
      getToken: async (scope) => {
        scopes.push(scope);
        return token;
      },
    };
    const session = new DevOpsSession(
      'https://dev.azure.test/org',
      { kind: 'bearer', tokenProvider: provider, scope: 'ado-scope' },
      1000,
    );
    const first = await session.serviceEndpointApi();
    const second = await session.serviceEndpointApi();
    assert.equal(first, second);
    assert.deepEqual(first, { token: 'token-1' });
    token = 'token-2';
    const third = await session.serviceEndpointApi();
    assert.notEqual(third, first);
    assert.deepEqual(third, { token: 'token-2' });
    assert.deepEqual(scopes, ['ado-scope', 'ado-scope', 'ado-scope']);
  });

  it('starts discovery again after a failed one', async () => {
    const stub = sinon.stub(WebApi.prototype, 'getServiceEndpointApi');
    stub.onCall(0).rejects(new Error('discovery failed'));
    stub.onCall(1).resolves({ ok: true } as never);
    const session = new DevOpsSession('https://dev.azure.test/org', { kind: 'pat', token: 'pat' }, 1000);
    await assert.rejects(session.serviceEndpointApi(), /discovery failed/);
    assert.deepEqual(await session.serviceEndpointApi(), { ok: true });
    assert.equal(stub.callCount, 2);
  });
});
