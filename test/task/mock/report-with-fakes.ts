// MockTestRunner scenario: a report over in-memory Azure DevOps and Graph fakes (registered in
// place of lib/clients, which the front door wires), the L0 pattern of microsoft/azure-pipelines-tasks.
import { TaskMockRunner } from 'azure-pipelines-task-lib/mock-run';
import { ROTATOR, setAgentEnvironment, TASK_ENTRY } from './scenario-env';

const DAY = 86_400_000;
const project = { id: 'p1', name: 'Payments' };
const appId = '11111111-1111-4111-8111-111111111111';

setAgentEnvironment();
const runner = new TaskMockRunner(TASK_ENTRY);
runner.setInput('rotatorConnection', ROTATOR);
runner.setInput('action', 'report');
runner.setInput('projects', 'Payments');
runner.registerMock('./clients', {
  createClients: () => ({
    devops: {
      listProjects: async () => [project],
      listAzureRmConnections: async () => [
        {
          id: 'c1',
          name: 'pay-deploy',
          type: 'AzureRM',
          url: 'https://management.azure.com/',
          description: '',
          projects: [{ projectId: 'p1', projectName: 'Payments', connectionName: 'pay-deploy' }],
          scheme: 'ServicePrincipal',
          authenticationType: 'spnKey',
          creationMode: 'Manual',
          tenantId: 'tenant-1',
          appId,
          environment: 'AzureCloud',
          isReady: true,
          isDisabled: false,
        },
      ],
    },
    graph: {
      lookupApplications: async () =>
        new Map([
          [
            appId,
            {
              kind: 'found',
              app: {
                objectId: 'o1',
                appId,
                displayName: 'pay',
                tenantId: 'tenant-1',
                passwordCredentials: [
                  {
                    keyId: '22222222-2222-4222-8222-222222222222',
                    displayName: 'hand-made',
                    startDateTime: new Date(Date.now() - 100 * DAY).toISOString(),
                    endDateTime: new Date(Date.now() + 20.5 * DAY).toISOString(),
                    hint: 'abc',
                  },
                ],
              },
            },
          ],
        ]),
      servicePrincipalsEnabled: async () => new Map([[appId, true]]),
    },
  }),
});
runner.run();
