import assert from 'node:assert/strict';
import { RotatorError } from '../../../lib/errors';
import {
  AGENT_NETWORK_SETTINGS,
  agentNetworkOptions,
} from '../../../tasks/ServiceConnectionRotatorV1/agent-network';

describe('agentNetworkOptions', () => {
  it('is undefined on an agent without proxy and CA file, and registers nothing', () => {
    const registered: string[] = [];
    assert.equal(
      agentNetworkOptions({}, (s) => registered.push(s)),
      undefined,
    );
    assert.equal(
      agentNetworkOptions({ proxyUrl: '  ', proxyPassword: 'pw' }, (s) => registered.push(s)),
      undefined,
    );
    assert.deepEqual(registered, []);
  });

  it('registers the proxy password and passes the proxy, its bypass list and the CA file on', () => {
    const registered: string[] = [];
    const options = agentNetworkOptions(
      {
        proxyUrl: 'http://proxy.contoso.test:8080',
        proxyUsername: 'svc-build',
        proxyPassword: 'proxy-password-1',
        proxyBypassHosts: ['\\.contoso\\.test$'],
        caFile: '/etc/agent/ca.pem',
      },
      (s) => registered.push(s),
    );
    assert.deepEqual(registered, ['proxy-password-1']);
    assert.deepEqual(options, {
      settingsName: AGENT_NETWORK_SETTINGS,
      proxy: {
        url: 'http://proxy.contoso.test:8080',
        username: 'svc-build',
        password: 'proxy-password-1',
        bypass: ['\\.contoso\\.test$'],
      },
      caFile: '/etc/agent/ca.pem',
    });
  });

  it('registers a password written into Agent.ProxyUrl', () => {
    const registered: string[] = [];
    agentNetworkOptions({ proxyUrl: 'http://u:in%2Furl-secret@proxy:3128' }, (s) => registered.push(s));
    assert.deepEqual(registered, ['in/url-secret']);
  });

  it('refuses a bypass list that is not an array of strings, naming Agent.ProxyBypassList', () => {
    assert.throws(
      () => agentNetworkOptions({ proxyUrl: 'http://proxy:3128', proxyBypassHosts: { host: 'x' } }, () => {}),
      (error: unknown) =>
        error instanceof RotatorError &&
        error.code === 'config.invalid_input' &&
        /Agent\.ProxyBypassList/.test(error.message),
    );
  });
});
