import assert from 'node:assert/strict';
import { reportContainerFolder } from '../../../lib/report/report-artifact';
import { decideReportArtifact } from '../../../tasks/ServiceConnectionRotatorV1/report-artifact';

describe('decideReportArtifact: the report as the build artifact of the health page', () => {
  const JOB = '12f1170f-54f2-53f3-20dd-22fc7dff55f9';
  const cases: Array<{
    name: string;
    publish: boolean;
    variables: Record<string, string>;
    expected: ReturnType<typeof decideReportArtifact>;
  }> = [
    {
      name: 'a build job uploads into its own folder of the fixed artifact and tags the run',
      publish: true,
      variables: { 'System.HostType': 'build', 'System.JobId': JOB },
      expected: {
        publish: true,
        containerFolder: `ServiceConnectionRotatorReport/${JOB}`,
        artifactName: 'ServiceConnectionRotatorReport',
        tag: 'service-connection-rotator-report',
      },
    },
    {
      name: 'the host type is read case-insensitively (the agent writes Build in old versions)',
      publish: true,
      variables: { 'System.HostType': 'Build' },
      expected: {
        publish: true,
        containerFolder: 'ServiceConnectionRotatorReport/job',
        artifactName: 'ServiceConnectionRotatorReport',
        tag: 'service-connection-rotator-report',
      },
    },
    {
      name: 'publishReport false publishes nothing',
      publish: false,
      variables: { 'System.HostType': 'build', 'System.JobId': JOB },
      expected: { publish: false, reason: 'publishReport is false' },
    },
    {
      name: 'a release job has no build artifacts',
      publish: true,
      variables: { 'System.HostType': 'release' },
      expected: {
        publish: false,
        reason: "System.HostType is 'release', not 'build': build artifacts exist only in build pipelines",
      },
    },
    {
      name: 'outside an agent (no host type) nothing is published',
      publish: true,
      variables: {},
      expected: {
        publish: false,
        reason: "System.HostType is '', not 'build': build artifacts exist only in build pipelines",
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        decideReportArtifact(c.publish, (name) => c.variables[name]),
        c.expected,
      );
    });
  }

  it('keeps only safe characters of the job id in the folder name', () => {
    assert.equal(reportContainerFolder('a/b;c]d..e'), 'ServiceConnectionRotatorReport/abcde');
    assert.equal(reportContainerFolder(';;;'), 'ServiceConnectionRotatorReport/job');
    assert.equal(reportContainerFolder('x'.repeat(100)), `ServiceConnectionRotatorReport/${'x'.repeat(64)}`);
  });
});
