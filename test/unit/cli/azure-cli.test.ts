import assert from 'node:assert/strict';
import { azureCliTenant, azureCliTokens } from '../../../cli/azure-cli';

describe('the Azure CLI as a token source', () => {
  function fakeAz(answers: Record<string, () => object | string>) {
    const calls: string[][] = [];
    const run = async (args: readonly string[]) => {
      calls.push([...args]);
      const scope = args[args.indexOf('--scope') + 1] ?? '';
      const answer = answers[scope]?.();
      if (answer === undefined) throw new Error(`no answer for ${scope}`);
      return typeof answer === 'string' ? answer : JSON.stringify(answer);
    };
    return { run, calls };
  }

  it('asks once per scope while the token is fresh, again within five minutes of expiry', async () => {
    let now = 1_000_000_000_000;
    const az = fakeAz({ 'g/.default': () => ({ accessToken: `t${now}`, expires_on: now / 1000 + 3600 }) });
    const tokens = azureCliTokens({ tenantId: 'tenant-1', run: az.run, now: () => now });
    assert.equal(await tokens.getToken('g/.default'), 't1000000000000');
    now += 54 * 60_000;
    assert.equal(await tokens.getToken('g/.default'), 't1000000000000', 'cached');
    now += 2 * 60_000; // 4 minutes before expiry
    assert.equal(await tokens.getToken('g/.default'), `t${now}`, 'renewed');
    assert.deepEqual(az.calls[0], [
      'account',
      'get-access-token',
      '--output',
      'json',
      '--scope',
      'g/.default',
      '--tenant',
      'tenant-1',
    ]);
    assert.equal(az.calls.length, 2);
  });

  it('asks once for requests that need the same token at the same moment', async () => {
    const now = 1_000_000_000_000;
    const az = fakeAz({ 'g/.default': () => ({ accessToken: 'shared', expires_on: now / 1000 + 3600 }) });
    const tokens = azureCliTokens({ run: az.run, now: () => now });
    const answers = await Promise.all([tokens.getToken('g/.default'), tokens.getToken('g/.default')]);
    assert.deepEqual(answers, ['shared', 'shared']);
    assert.equal(az.calls.length, 1);
  });

  it("reads older CLIs' local-time expiresOn, and uses a token of unknown expiry only once", async () => {
    const now = new Date('2026-12-04T10:00:00').getTime();
    const az = fakeAz({
      'a/.default': () => ({ accessToken: 'a', expiresOn: '2026-12-04 11:00:00.000000' }),
      'b/.default': () => ({ accessToken: 'b' }),
    });
    const tokens = azureCliTokens({ run: az.run, now: () => now });
    await tokens.getToken('a/.default');
    await tokens.getToken('a/.default');
    await tokens.getToken('b/.default');
    await tokens.getToken('b/.default');
    assert.deepEqual(
      az.calls.map((c) => c[5]),
      ['a/.default', 'b/.default', 'b/.default'],
    );
    assert.ok(
      az.calls.every((c) => !c.includes('--tenant')),
      'no tenant given: the CLI default',
    );
  });

  it('fails with auth.failed on an answer without a token, or not JSON, or an unsafe argument', async () => {
    const az = fakeAz({ 'x/.default': () => ({ tokenType: 'Bearer' }), 'y/.default': () => 'Traceback' });
    const tokens = azureCliTokens({ run: az.run });
    await assert.rejects(tokens.getToken('x/.default'), { code: 'auth.failed', message: /no access token/ });
    await assert.rejects(tokens.getToken('y/.default'), { code: 'auth.failed', message: /not JSON/ });
    await assert.rejects(tokens.getToken('z/.default; rm -rf /'), {
      code: 'auth.failed',
      message: /Refusing/,
    });
    assert.equal(az.calls.length, 2, 'the unsafe scope never reached az');
  });

  it('reads the tenant from az account show', async () => {
    assert.equal(await azureCliTenant(async () => '{"tenantId":"t-9","name":"sub"}'), 't-9');
    await assert.rejects(
      azureCliTenant(async () => '{}'),
      { code: 'auth.failed', fix: /az login/ },
    );
  });
});
