import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RotatorError } from '../../../lib/errors';
import { Network } from '../../../lib/http/network';
import { networkOutcome } from '../../../lib/http/network-error';
import { ProxyFailureError, proxyFailureOf, proxyFailureReason } from '../../../lib/http/proxy-failure';
import { DEFAULT_RETRY_OPTIONS, decideRetry } from '../../../lib/http/retry-policy';

const PROXY = 'http://proxy.contoso.test:8080';

function rejects(make: () => unknown, pattern: RegExp): void {
  assert.throws(make, (error: unknown) => {
    assert.ok(error instanceof RotatorError);
    assert.equal(error.code, 'config.invalid_input');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('Network', () => {
  describe('bypass list (regular expressions on the whole URL, case-insensitive, as task-lib)', () => {
    const cases: Array<[string[], string, boolean]> = [
      [[], 'https://dev.azure.com/contoso/', true],
      [['dev\\.azure\\.com'], 'https://dev.azure.com/contoso/_apis/projects', false],
      [['DEV\\.AZURE\\.COM'], 'https://dev.azure.com/contoso/', false],
      [['dev\\.azure\\.com'], 'https://graph.microsoft.com/v1.0/applications', true],
      [['^https://graph\\.microsoft\\.com/'], 'https://graph.microsoft.com/v1.0/$batch', false],
      [['^https://graph\\.microsoft\\.com/'], 'https://login.microsoftonline.com/t/oauth2/v2.0/token', true],
      // The path counts too: task-lib tests the URL, not the host.
      [['/contoso/'], 'https://dev.azure.com/contoso/_apis/projects', false],
      [['127\\.0\\.0\\.1:4443'], 'https://127.0.0.1:4443/v1.0/applications', false],
      [['127\\.0\\.0\\.1:4443'], 'https://127.0.0.1:4444/v1.0/applications', true],
    ];
    for (const [bypass, url, proxied] of cases) {
      it(`${JSON.stringify(bypass)} sends ${url} ${proxied ? 'through the proxy' : 'direct'}`, () => {
        const network = new Network({ proxy: { url: PROXY, bypass } });
        assert.equal(network.proxies(url), proxied);
        assert.equal(network.proxies(new URL(url)), proxied);
      });
    }

    it('sends everything direct without a proxy', () => {
      assert.equal(new Network({}).proxies('https://dev.azure.com/contoso/'), false);
    });
  });

  describe('validation at construction', () => {
    it('refuses a proxy URL that is not a URL, naming the setting', () => {
      rejects(
        () => new Network({ proxy: { url: 'proxy:8080:x' }, settingsName: 'Agent.ProxyUrl' }),
        /proxy URL .*Agent\.ProxyUrl/,
      );
    });

    it('refuses a scheme other than http and https', () => {
      rejects(
        () => new Network({ proxy: { url: 'socks5://proxy:1080' } }),
        /socks5:\/\/proxy:1080 has an unsupported scheme/,
      );
    });

    it('refuses a bypass entry that is not a regular expression, naming the entry', () => {
      rejects(
        () => new Network({ proxy: { url: PROXY, bypass: ['ok\\.com', '(*unclosed'] } }),
        /Bypass list entry 2 "\(\*unclosed" is not a valid regular expression/,
      );
    });

    it('refuses a CA file that cannot be read or holds no certificate, naming the file', () => {
      const missing = path.join(os.tmpdir(), 'scr-no-such-ca.pem');
      rejects(
        () => new Network({ caFile: missing }),
        new RegExp(`${missing.replace(/\./g, '\\.')} cannot be read`),
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-ca-'));
      const empty = path.join(dir, 'ca.pem');
      fs.writeFileSync(empty, 'not a certificate\n');
      rejects(() => new Network({ caFile: empty }), /holds no PEM certificate/);
    });
  });

  describe('credentials', () => {
    it('describes the proxy without its credentials', () => {
      const network = new Network({
        proxy: { url: 'http://url-user:url-pass@proxy.contoso.test:8080', bypass: ['\\.internal$'] },
      });
      const text = network.describe();
      assert.equal(text, 'proxy http://proxy.contoso.test:8080 (with credentials); bypass \\.internal$');
    });

    it('gives node-api the proxy, its credentials (from the URL when not given) and the bypass list', () => {
      const network = new Network({
        proxy: { url: 'http://url-user:p%40ss@proxy.contoso.test:8080', bypass: ['a'] },
        caFile: undefined,
      });
      assert.deepEqual(network.nodeApiOptions(), {
        proxy: {
          proxyUrl: 'http://proxy.contoso.test:8080',
          proxyUsername: 'url-user',
          proxyPassword: 'p@ss',
          proxyBypassHosts: ['a'],
        },
      });
      const explicit = new Network({ proxy: { url: PROXY, username: 'u', password: 'p' } });
      assert.equal(explicit.nodeApiOptions().proxy?.proxyPassword, 'p');
    });
  });

  describe('proxy failures', () => {
    const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
    const cases: Array<[string, Error, string | undefined]> = [
      [
        'undici: a CONNECT answered 407',
        new TypeError('fetch failed', {
          cause: new Error('Proxy response (407) !== 200 when HTTP Tunneling'),
        }),
        'the proxy answered 407 (proxy authentication required: check the credentials)',
      ],
      [
        'undici: the proxy refused the connection',
        new TypeError('fetch failed', {
          cause: withCode('connect ECONNREFUSED 127.0.0.1:3128', 'ECONNREFUSED'),
        }),
        'the proxy refused the connection',
      ],
      [
        'undici: connect timeout',
        new TypeError('fetch failed', {
          cause: withCode('Connect Timeout Error', 'UND_ERR_CONNECT_TIMEOUT'),
        }),
        'no connection to the proxy within the connect timeout',
      ],
      [
        'tunnel: a CONNECT answered 502',
        withCode('tunneling socket could not be established, statusCode=502', 'ECONNRESET'),
        'the proxy answered 502 to CONNECT',
      ],
      [
        'tunnel: the proxy refused the connection',
        withCode(
          'tunneling socket could not be established, cause=connect ECONNREFUSED 127.0.0.1:3128',
          'ECONNRESET',
        ),
        'the proxy refused the connection',
      ],
      [
        'a reset once the tunnel stood',
        new TypeError('fetch failed', { cause: withCode('other side closed', 'UND_ERR_SOCKET') }),
        undefined,
      ],
      ['a plain reset', withCode('socket hang up', 'ECONNRESET'), undefined],
    ];
    for (const [name, error, reason] of cases) {
      it(`${name}: ${reason ?? 'not the proxy'}`, () => {
        assert.equal(proxyFailureReason(error), reason);
      });
    }

    it('names the proxy and host of a proxied URL only, and is final for the retry policy', () => {
      const network = new Network({
        proxy: { url: PROXY, bypass: ['direct\\.test'] },
        settingsName: 'Agent.ProxyUrl',
      });
      const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      assert.equal(
        network.proxyFailure(refused, 'https://direct.test/x'),
        undefined,
        'bypassed: not the proxy',
      );
      const failure = network.proxyFailure(refused, 'https://graph.microsoft.com/v1.0/applications');
      assert.ok(failure instanceof ProxyFailureError);
      assert.deepEqual(proxyFailureOf(new TypeError('fetch failed', { cause: failure })), {
        proxy: PROXY,
        host: 'graph.microsoft.com',
        reason: 'the proxy refused the connection',
        settings: 'Agent.ProxyUrl',
      });
      const outcome = networkOutcome(failure);
      assert.equal(outcome?.error, 'proxy');
      const decision = decideRetry(
        { attempt: 1, elapsedMs: 0, nowMs: 0, outcome: outcome!, idempotent: true },
        DEFAULT_RETRY_OPTIONS,
      );
      assert.deepEqual(decision, { retry: false, delayMs: 0, reason: 'not_retryable' });
    });
  });
});
