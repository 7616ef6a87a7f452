import assert from 'node:assert/strict';
import { hasCode } from '../../../lib/errors';
import { readTaskConfig } from '../../../tasks/ServiceConnectionRotatorV1/inputs';
import { baseAgent, type FakeAgent, readerFor } from './fake-reader';

function read(change: (agent: FakeAgent) => void) {
  const agent = baseAgent();
  change(agent);
  return readTaskConfig(readerFor(agent));
}

describe('task inputs', () => {
  it('applies the manifest defaults the agent would fill in', () => {
    const { config, secrets } = read(() => {});
    assert.equal(config.action, 'rotate');
    assert.deepEqual(config.projects, { all: false, names: ['Payments'] });
    assert.equal(config.connectionsText, '*');
    assert.equal(config.warningDays, 30);
    assert.equal(config.failureDays, 7);
    assert.equal(config.rotateWithinDays, 30);
    assert.equal(config.secretLifetimeDays, 180);
    assert.equal(config.revokeAfterHours, 24);
    assert.equal(config.automaticConnections, 'report');
    assert.equal(config.dryRun, false);
    assert.equal(config.maxParallel, 8);
    assert.equal(config.reportPath, '/tmp/agent/service-connection-rotator.json');
    assert.equal(config.organizationUrl, 'https://dev.azure.com/contoso');
    assert.deepEqual(config.devOps, { kind: 'jobToken', token: 'job-token-value' });
    assert.deepEqual(config.rotator.credential, { kind: 'secret', secret: 'rotator-secret-value' });
    assert.equal(config.graphUrl, null);
    assert.deepEqual(secrets.sort(), ['job-token-value', 'rotator-secret-value']);
  });

  it('reads lists separated by commas and newlines, and * for every project', () => {
    const { config } = read((a) => {
      a.inputs.projects = '*';
      a.inputs.connections = 'prod-*\n!prod-legacy, test-?';
    });
    assert.deepEqual(config.projects, { all: true });
    assert.deepEqual(
      config.connections.includes.map((p: { source: string }) => p.source),
      ['prod-*', 'test-?'],
    );
    assert.deepEqual(
      config.connections.excludes.map((p: { source: string }) => p.source),
      ['!prod-legacy'],
    );
  });

  it('reads a workload identity federation rotator and a PAT', () => {
    const { config, secrets } = read((a) => {
      a.endpoints['rotator-id'] = {
        scheme: 'WorkloadIdentityFederation',
        parameters: { tenantid: 't', serviceprincipalid: 'a' },
      };
      a.inputs.devOpsAuthentication = 'personalAccessToken';
      a.inputs.personalAccessToken = 'pat-value';
    });
    assert.equal(config.rotator.credential.kind, 'federated');
    assert.deepEqual(config.devOps, { kind: 'personalAccessToken', token: 'pat-value' });
    assert.ok(secrets.includes('pat-value'));
  });

  const invalid: Array<[string, (a: FakeAgent) => void, RegExp]> = [
    [
      'unknown action',
      (a) => (a.inputs.action = 'delete'),
      /Input 'action' has value 'delete': expected one of 'report', 'rotate'/,
    ],
    [
      'non-numeric warningDays',
      (a) => (a.inputs.warningDays = 'ten'),
      /Input 'warningDays' has value 'ten': expected a whole number from 0 to 3650/,
    ],
    ['negative failureDays', (a) => (a.inputs.failureDays = '-1'), /Input 'failureDays' has value '-1'/],
    [
      'failureDays above warningDays',
      (a) => {
        a.inputs.warningDays = '10';
        a.inputs.failureDays = '11';
      },
      /Input 'failureDays' has value '11': expected a whole number from 0 to 10 \(it may not exceed warningDays, 10\)/,
    ],
    [
      'fractional rotateWithinDays',
      (a) => (a.inputs.rotateWithinDays = '2.5'),
      /Input 'rotateWithinDays' has value '2.5'/,
    ],
    [
      'secretLifetimeDays above 730',
      (a) => (a.inputs.secretLifetimeDays = '731'),
      /Input 'secretLifetimeDays' has value '731': expected a whole number from 1 to 730/,
    ],
    [
      'secretLifetimeDays zero',
      (a) => (a.inputs.secretLifetimeDays = '0'),
      /Input 'secretLifetimeDays' has value '0'/,
    ],
    [
      'negative revokeAfterHours',
      (a) => (a.inputs.revokeAfterHours = '-5'),
      /Input 'revokeAfterHours' has value '-5'/,
    ],
    [
      'unknown automaticConnections',
      (a) => (a.inputs.automaticConnections = 'adopt'),
      /Input 'automaticConnections' has value 'adopt': expected one of 'report', 'takeOver'/,
    ],
    [
      'dryRun not a boolean',
      (a) => (a.inputs.dryRun = 'yes'),
      /Input 'dryRun' has value 'yes': expected 'true' or 'false'/,
    ],
    [
      'maxParallel zero',
      (a) => (a.inputs.maxParallel = '0'),
      /Input 'maxParallel' has value '0': expected a whole number from 1 to 64/,
    ],
    ['maxParallel too large', (a) => (a.inputs.maxParallel = '65'), /Input 'maxParallel' has value '65'/],
    [
      'empty projects',
      (a) => (a.inputs.projects = ' , '),
      /Input 'projects' has value ',': expected project names, comma or newline separated, or '\*' for all/,
    ],
    [
      '* mixed with names',
      (a) => (a.inputs.projects = '*, Payments'),
      /Input 'projects' has value '\*, Payments': expected either '\*' alone/,
    ],
    [
      'empty connections',
      (a) => (a.inputs.connections = '\n,\n'),
      /Input 'connections' has value ',': expected names or wildcard patterns/,
    ],
    [
      'non-HTTPS authority',
      (a) => (a.inputs.authorityHost = 'http://login.example'),
      /Input 'authorityHost' has value 'http:\/\/login.example': expected an https:\/\/ URL/,
    ],
    [
      'graphUrl not a URL',
      (a) => (a.inputs.graphUrl = 'graph'),
      /Input 'graphUrl' has value 'graph': expected an absolute https:\/\/ URL/,
    ],
    [
      'graphUrl with a query',
      (a) => (a.inputs.graphUrl = 'https://graph.example/?x=1'),
      /Input 'graphUrl' .* without query/,
    ],
    [
      'a wildcard in a project name',
      (a) => (a.inputs.projects = 'Pay*'),
      /Input 'projects' has value 'Pay\*': .*cannot contain/,
    ],
    [
      'a lone ! in connections',
      (a) => (a.inputs.connections = 'prod-*\n!'),
      /Input 'connections' has value 'prod-\*\n!'/,
    ],
    [
      'secretLifetimeDays not above rotateWithinDays',
      (a) => {
        a.inputs.rotateWithinDays = '60';
        a.inputs.secretLifetimeDays = '61';
      },
      /Input 'secretLifetimeDays' has value '61': expected at least rotateWithinDays \+ 2 \(62\)/,
    ],
    [
      'unknown devOpsAuthentication',
      (a) => (a.inputs.devOpsAuthentication = 'oauth'),
      /Input 'devOpsAuthentication' has value 'oauth'/,
    ],
    [
      'PAT mode without a PAT',
      (a) => (a.inputs.devOpsAuthentication = 'personalAccessToken'),
      /Input 'personalAccessToken' has value \(empty\)/,
    ],
    [
      'PAT naming an undefined variable',
      (a) => {
        a.inputs.devOpsAuthentication = 'personalAccessToken';
        a.inputs.personalAccessToken = '$(rotatorPat)';
      },
      /Input 'personalAccessToken' has value '\$\(rotatorPat\)'/,
    ],
    [
      'missing rotator connection',
      (a) => (a.inputs.rotatorConnection = 'nope'),
      /Input 'rotatorConnection' has value 'nope'/,
    ],
    [
      'rotator of an unsupported scheme',
      (a) => {
        a.endpoints['rotator-id'] = {
          scheme: 'ManagedServiceIdentity',
          parameters: { tenantid: 't', serviceprincipalid: 'a' },
        };
      },
      /Input 'rotatorConnection' has value 'rotator-id \(scheme ManagedServiceIdentity\)'/,
    ],
    [
      'rotator secret connection without a secret',
      (a) => {
        a.endpoints['rotator-id'] = {
          scheme: 'ServicePrincipal',
          parameters: { tenantid: 't', serviceprincipalid: 'a' },
        };
      },
      /Input 'rotatorConnection' .* with a client secret/,
    ],
    [
      'certificate rotator without a private key',
      (a) => {
        a.endpoints['rotator-id'] = {
          scheme: 'ServicePrincipal',
          parameters: {
            tenantid: 't',
            serviceprincipalid: 'a',
            authenticationType: 'spnCertificate',
            servicePrincipalCertificate: '-----BEGIN CERTIFICATE-----',
          },
        };
      },
      /certificate and its private key/,
    ],
    [
      'federated rotator without an OIDC URI',
      (a) => {
        a.endpoints['rotator-id'] = {
          scheme: 'WorkloadIdentityFederation',
          parameters: { tenantid: 't', serviceprincipalid: 'a' },
        };
        delete a.variables['System.OidcRequestUri'];
      },
      /System.OidcRequestUri/,
    ],
    [
      'missing System.CollectionUri',
      (a) => delete a.variables['System.CollectionUri'],
      /Variable 'System.CollectionUri' is empty/,
    ],
    [
      'non-HTTPS System.CollectionUri',
      (a) => (a.variables['System.CollectionUri'] = 'http://tfs/DefaultCollection'),
      /Variable 'System.CollectionUri' has value 'http:\/\/tfs\/DefaultCollection'/,
    ],
    [
      'job token mode without a job token',
      (a) => delete a.endpoints.SYSTEMVSSCONNECTION,
      /'devOpsAuthentication' is 'jobToken' but the job has no access token/,
    ],
    [
      'reportPath with an unexpanded variable',
      (a) => (a.inputs.reportPath = '$(Nope)/r.json'),
      /Input 'reportPath' has value '\$\(Nope\)\/r.json'/,
    ],
  ];

  for (const [what, change, message] of invalid) {
    it(`rejects ${what} with a message naming the input`, () => {
      assert.throws(
        () => read(change),
        (error: unknown) => {
          assert.ok(hasCode(error, 'config.invalid_input'), String(error));
          assert.match((error as Error).message, message);
          return true;
        },
      );
    });
  }

  it('never puts a secret into an error message', () => {
    assert.throws(
      () =>
        read((a) => {
          a.inputs.devOpsAuthentication = 'personalAccessToken';
          a.inputs.personalAccessToken = 'pat-value';
          a.inputs.maxParallel = 'many';
        }),
      (error: unknown) => !String((error as Error).message).includes('pat-value'),
    );
  });
});
