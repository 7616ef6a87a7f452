/**
 * Issue #17: the front door's `network` option with the real clients (azure-devops-node-api,
 * Graph over undici's fetch, msal-node) against the emulator behind an authenticating CONNECT
 * proxy. The proxy counts tunnels per host; the emulator logs each request's peer.
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import type { ProxyOptions } from '../../lib';
import {
  type ConnectProxy,
  connectionsFromProxy,
  PROXY_EGRESS_ADDRESS,
  startConnectProxy,
} from '../support/connect-proxy';
import { emulatorRotator } from './adapters-harness';
import {
  EmulatorDrivenClock,
  RemovalWitness,
  resultOf,
  runRotation,
  startRotationEmulator,
} from './rotation-harness';
import { CONNECTIONS, JOB_TOKEN, ROTATOR_APP, ROTATOR_SECRET, TENANT } from './rotation-org';

const USER = 'lib-proxy-user';
const PASSWORD = 'lib-proxy-password-5f1e';

describe('the library behind a CONNECT proxy (network option)', () => {
  let emulator: Emulator | undefined;
  let proxy: ConnectProxy | undefined;
  afterEach(async () => {
    await emulator?.close();
    await proxy?.close();
    emulator = undefined;
    proxy = undefined;
  });

  async function rotateWeb(proxyOptions: (p: ConnectProxy, e: Emulator) => ProxyOptions) {
    emulator = await startRotationEmulator();
    proxy = await startConnectProxy({ username: USER, password: PASSWORD });
    const clock = new EmulatorDrivenClock(emulator);
    const rotator = emulatorRotator(
      emulator,
      { tenantId: TENANT, appId: ROTATOR_APP, clientSecret: ROTATOR_SECRET, jobToken: JOB_TOKEN },
      { clock, network: { proxy: proxyOptions(proxy, emulator) } },
    );
    const run = await runRotation(emulator, {
      rotator,
      clock,
      names: ['web'],
      witness: new RemovalWitness(emulator),
    });
    return { run, rotator, emulator, proxy };
  }

  it('rotates with every request of the three services through the proxy', async () => {
    const { run, emulator, proxy } = await rotateWeb((p) => ({
      url: p.url,
      username: USER,
      password: PASSWORD,
    }));
    assert.equal(resultOf(run, CONNECTIONS.web).action, 'rotated');

    const log = emulator.requests().filter((e) => e.peer !== undefined);
    assert.ok(log.length > 0);
    assert.deepEqual(
      log.filter((e) => !e.peer!.startsWith(`${PROXY_EGRESS_ADDRESS}:`)).map((e) => e.operation),
      [],
      'no request went direct',
    );
    const hosts: Record<string, string> = {
      devops: new URL(emulator.urls.organization).host,
      entra: new URL(emulator.urls.authorityHost).host,
      graph: new URL(emulator.urls.graph).host,
    };
    assert.deepEqual(new Set(log.map((e) => e.service)), new Set(['devops', 'entra', 'graph']));
    const tunnels = proxy.tunnels();
    assert.deepEqual(Object.keys(tunnels).sort(), Object.values(hosts).sort());
    assert.deepEqual(connectionsFromProxy(emulator), tunnels, 'tunnels = connections from the proxy');
    assert.deepEqual(proxy.refused(), {});
  });

  it('sends the Entra ID requests direct when the authority is on the bypass list', async () => {
    const { run, emulator, proxy } = await rotateWeb((p, e) => ({
      url: p.url,
      username: USER,
      password: PASSWORD,
      bypass: [new URL(e.urls.authorityHost).host.replace(/\./g, '\\.')],
    }));
    assert.equal(resultOf(run, CONNECTIONS.web).action, 'rotated');
    const log = emulator.requests().filter((e) => e.peer !== undefined);
    const entra = log.filter((e) => e.service === 'entra');
    assert.ok(entra.length > 0);
    assert.ok(
      entra.every((e) => e.peer!.startsWith('127.0.0.1:')),
      'Entra ID direct',
    );
    const others = log.filter((e) => e.service !== 'entra');
    assert.ok(
      others.every((e) => e.peer!.startsWith(`${PROXY_EGRESS_ADDRESS}:`)),
      'the rest through the proxy',
    );
    assert.equal(proxy.tunnels()[new URL(emulator.urls.authorityHost).host], undefined);
    assert.deepEqual(connectionsFromProxy(emulator), proxy.tunnels());
  });
});
