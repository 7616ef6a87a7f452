import assert from 'node:assert/strict';
import { RotatorError } from '../../../lib/errors';
import { Network } from '../../../lib/http/network';
import { noProxyBypass } from '../../../lib/http/no-proxy';

const PROXY = 'http://proxy.contoso.test:3128';

describe('noProxyBypass (NO_PROXY as curl reads it)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['', 'https://dev.azure.com/contoso/', false],
    ['*', 'https://dev.azure.com/contoso/', true],
    ['dev.azure.com', 'https://dev.azure.com/contoso/_apis', true],
    ['DEV.Azure.com', 'https://dev.azure.com/contoso/_apis', true],
    ['azure.com', 'https://dev.azure.com/contoso/_apis', true],
    ['.azure.com', 'https://dev.azure.com/contoso/_apis', true],
    ['*.azure.com', 'https://dev.azure.com/contoso/_apis', true],
    ['azure.com', 'https://notazure.com/', false],
    ['azure.com', 'https://graph.microsoft.com/v1.0/azure.com', false],
    ['localhost,127.0.0.1', 'https://127.0.0.1:4443/v1.0/', true],
    ['127.0.0.1', 'https://127.0.0.10:4443/', false],
    ['127.0.0.1:4443', 'https://127.0.0.1:4443/v1.0/', true],
    ['127.0.0.1:4443', 'https://127.0.0.1:4444/v1.0/', false],
    ['login.microsoftonline.com:443', 'https://login.microsoftonline.com/t/oauth2/v2.0/token', true],
    ['::1', 'https://[::1]:8443/', true],
    ['[::1]:8443', 'https://[::1]:8443/', true],
    [' foo.test , dev.azure.com ', 'https://dev.azure.com/x', true],
  ];
  for (const [noProxy, url, bypassed] of cases) {
    it(`NO_PROXY=${JSON.stringify(noProxy)} sends ${url} ${bypassed ? 'direct' : 'through the proxy'}`, () => {
      const network = new Network({ proxy: { url: PROXY, bypass: noProxyBypass(noProxy) } });
      assert.equal(network.proxies(url), !bypassed);
    });
  }

  it('refuses a CIDR range, naming the entry', () => {
    assert.throws(
      () => noProxyBypass('localhost,10.0.0.0/8'),
      (error: unknown) =>
        error instanceof RotatorError &&
        error.code === 'config.invalid_input' &&
        /"10\.0\.0\.0\/8"/.test(error.message),
    );
  });
});
