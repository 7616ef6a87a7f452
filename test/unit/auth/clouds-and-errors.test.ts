import assert from 'node:assert/strict';
import {
  AZURE_DEVOPS_SCOPE,
  graphScope,
  isMicrosoftAuthorityHost,
  resolveCloud,
} from '../../../lib/auth/clouds';
import { aadstsNumber, mapMsalError } from '../../../lib/auth/msal-errors';
import { type ErrorCode, HttpError, RotatorError } from '../../../lib/errors';

describe('clouds', () => {
  const TABLE: Array<[string | null, string, string]> = [
    ['AzureCloud', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['azurecloud', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    [null, 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['AzureUSGovernment', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'],
    ['AzureChinaCloud', 'https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
  ];
  for (const [environment, authorityHost, graphUrl] of TABLE) {
    it(`maps ${JSON.stringify(environment)} to ${authorityHost} and ${graphUrl}`, () => {
      const cloud = resolveCloud(environment);
      assert.equal(cloud.authorityHost, authorityHost);
      assert.equal(cloud.graphUrl, graphUrl);
      assert.equal(graphScope(cloud.graphUrl), `${graphUrl}/.default`);
    });
  }

  it('applies overrides and keeps host:port', () => {
    const cloud = resolveCloud('AzureCloud', {
      authorityHost: 'https://127.0.0.1:8443/',
      graphUrl: 'https://127.0.0.1:9443',
    });
    assert.deepEqual(cloud, {
      environment: 'AzureCloud',
      authorityHost: 'https://127.0.0.1:8443',
      graphUrl: 'https://127.0.0.1:9443',
    });
    assert.equal(isMicrosoftAuthorityHost(cloud.authorityHost), false);
    assert.equal(isMicrosoftAuthorityHost('https://login.microsoftonline.us'), true);
  });

  it('names the Azure DevOps scope', () => {
    assert.equal(AZURE_DEVOPS_SCOPE, '499b84ac-1321-427f-aa17-267ca6975798/.default');
  });

  it('rejects unknown clouds without overrides, and http overrides', () => {
    assert.throws(
      () => resolveCloud('AzureStack'),
      (e: unknown) => e instanceof RotatorError && e.code === 'config.invalid_input',
    );
    assert.throws(
      () => resolveCloud('AzureCloud', { authorityHost: 'http://login.test' }),
      (e: unknown) => e instanceof RotatorError && e.code === 'config.invalid_input',
    );
    assert.equal(
      resolveCloud('AzureStack', { authorityHost: 'https://a.test', graphUrl: 'https://g.test' }).environment,
      'AzureStack',
    );
  });
});

describe('msal error mapping', () => {
  /** Shaped like msal-common's ServerError. */
  function serverError(errorNo: string | number | undefined, status: number, errorCode = 'invalid_client') {
    return Object.assign(new Error('Error(s): x - Description: AADSTS...: secret=hunter2hunter2'), {
      errorCode,
      errorNo,
      status,
      errorMessage: `Error(s): ${errorNo ?? 'Not Available'} - Timestamp: t - Description: text`,
    });
  }

  const TABLE: Array<[string | number | undefined, number, ErrorCode]> = [
    ['7000215', 401, 'auth.invalid_secret'],
    [7000215, 401, 'auth.invalid_secret'],
    ['7000222', 401, 'auth.secret_expired'],
    ['700016', 400, 'auth.app_not_found'],
    ['7000112', 401, 'auth.app_disabled'],
    ['70021', 400, 'auth.no_federated_credential'],
    ['700024', 400, 'auth.assertion_failed'],
    ['700027', 401, 'auth.certificate_invalid'],
    ['9999999', 400, 'auth.failed'],
    [undefined, 429, 'http.throttled'],
    [undefined, 503, 'http.unavailable'],
  ];
  for (const [errorNo, status, code] of TABLE) {
    it(`maps AADSTS ${errorNo} / HTTP ${status} to ${code}`, () => {
      const error = mapMsalError(serverError(errorNo, status), { tenantId: 'tenant-1', appId: 'app-1' });
      assert.ok(error instanceof HttpError);
      assert.equal(error.code, code);
      assert.equal(error.service, 'entra');
      assert.equal(error.status, status);
      assert.ok(!error.message.includes('hunter2'));
      assert.ok(!error.message.includes('Description'));
    });
  }

  it('says which app and tenant, with a fix naming the app', () => {
    const error = mapMsalError(serverError('7000222', 401), {
      tenantId: 'tenant-1',
      appId: 'app-1',
      requestId: 'r-1',
    });
    assert.equal(
      error.message,
      'Token request for app app-1 in tenant tenant-1 failed: AADSTS7000222 (HTTP 401); request id r-1',
    );
    assert.equal(error.serviceCode, '7000222');
    assert.equal(
      error.fix,
      'The client secret of app app-1 has expired: create a new secret and update the service connection.',
    );
  });

  it('reads the AADSTS number from msal text when errorNo is missing', () => {
    assert.equal(aadstsNumber({ errorMessage: 'Error(s): 7000215 - Timestamp: x' }), '7000215');
    assert.equal(aadstsNumber({ errorNo: 'x7' }), undefined);
  });

  it('maps msal network errors to http.network', () => {
    const error = mapMsalError(
      Object.assign(new Error('Network request failed'), { errorCode: 'network_error' }),
      {
        tenantId: 't',
        appId: 'a',
      },
    );
    assert.equal(error.code, 'http.network');
    assert.equal(error.message, 'Token request for app a in tenant t failed: network_error');
  });
});
