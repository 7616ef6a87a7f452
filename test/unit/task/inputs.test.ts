import assert from 'node:assert/strict';
import { connect, hasCode } from '../../../lib';
import { readTaskConfig, readTaskInputs } from '../../../tasks/ServiceConnectionRotatorV1/inputs';
import { baseAgent, type FakeAgent, readerFor } from './fake-reader';

/** What `connect` binds when given no optional option. */
function connectDefaults() {
  return connect({
    organizationUrl: 'https://dev.azure.com/contoso',
    rotator: { tenantId: 't', appId: 'a', credential: { kind: 'secret', clientSecret: 's' } },
    devOps: { kind: 'rotator' },
  }).settings;
}

function read(change: (agent: FakeAgent) => void) {
  const agent = baseAgent();
  change(agent);
  return readTaskConfig(readerFor(agent));
}

function readInputs(change: (agent: FakeAgent) => void) {
  const agent = baseAgent();
  change(agent);
  return readTaskInputs(readerFor(agent));
}

describe('task inputs', () => {
  it('applies the manifest defaults the agent would fill in, and the library binds them', () => {
    const { config, secrets } = read(() => {});
    assert.equal(config.action, 'rotate');
    assert.equal(config.dryRun, false);
    assert.equal(config.reportPath, '/tmp/agent/service-connection-rotator.json');
    assert.deepEqual(config.rotator.settings, {
      organizationUrl: 'https://dev.azure.com/contoso',
      tenantId: 'tenant-1',
      projects: 'Payments',
      connections: '*',
      thresholds: { warningDays: 30, failureDays: 7 },
      policy: {
        rotateWithinDays: 30,
        secretLifetimeDays: 180,
        revokeAfterHours: 24,
        automaticConnections: 'report',
        orphanMinAgeMinutes: 60,
        forceRotation: false,
        certificateConnections: 'report',
      },
      maxParallel: 8,
      graphUrl: 'https://graph.microsoft.com',
      authorityHost: 'https://login.microsoftonline.com',
    });
    assert.deepEqual(secrets.sort(), ['job-token-value', 'rotator-secret-value']);
  });

  it('reads the credentials into the library types', () => {
    const { config } = readInputs(() => {});
    assert.deepEqual(config.options.devOps, { kind: 'bearer', token: 'job-token-value' });
    assert.deepEqual(config.options.rotator, {
      tenantId: 'tenant-1',
      appId: 'app-1',
      environment: 'AzureCloud',
      credential: { kind: 'secret', clientSecret: 'rotator-secret-value' },
    });
  });

  it('passes the filters on as the text the user wrote', () => {
    const { config } = read((a) => {
      a.inputs.projects = '*';
      a.inputs.connections = 'prod-*\n!prod-legacy, test-?';
    });
    assert.equal(config.rotator.settings.projects, '*');
    assert.equal(config.rotator.settings.connections, 'prod-*\n!prod-legacy, test-?');
  });

  it('reads a workload identity federation rotator and a PAT', () => {
    const { config, secrets } = readInputs((a) => {
      a.endpoints['rotator-id'] = {
        scheme: 'WorkloadIdentityFederation',
        parameters: { tenantid: 't', serviceprincipalid: 'a' },
      };
      a.inputs.devOpsAuthentication = 'personalAccessToken';
      a.inputs.personalAccessToken = 'pat-value';
    });
    assert.deepEqual(config.options.rotator.credential, {
      kind: 'federated',
      oidcRequestUri:
        'https://dev.azure.com/contoso/p/_apis/distributedtask/hubs/build/plans/1/jobs/2/oidctoken',
      jobToken: 'job-token-value',
      serviceConnectionId: 'rotator-id',
    });
    assert.deepEqual(config.options.devOps, { kind: 'pat', token: 'pat-value' });
    assert.ok(secrets.includes('pat-value'));
  });

  it('uses the library defaults as task.json does (one set of defaults)', () => {
    const { config } = read((a) => {
      a.inputs.projects = '*';
    });
    const library = connectDefaults();
    assert.deepEqual(config.rotator.settings.thresholds, library.thresholds);
    assert.deepEqual(config.rotator.settings.policy, library.policy);
    assert.equal(config.rotator.settings.maxParallel, library.maxParallel);
    assert.equal(config.rotator.settings.connections, library.connections);
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
      'unknown certificateConnections',
      (a) => (a.inputs.certificateConnections = 'replace'),
      /Input 'certificateConnections' has value 'replace': expected one of 'report', 'rotate'/,
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
      'forceRotation not a boolean',
      (a) => (a.inputs.forceRotation = 'now'),
      /Input 'forceRotation' has value 'now': expected 'true' or 'false'/,
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
