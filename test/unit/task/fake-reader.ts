import type { InputReader } from '../../../tasks/ServiceConnectionRotatorV1/inputs';

/** What the agent would hand a task: inputs, variables and endpoints, in memory. */
export interface FakeAgent {
  inputs: Record<string, string>;
  variables: Record<string, string>;
  endpoints: Record<
    string,
    { scheme: string; parameters: Record<string, string>; data?: Record<string, string> }
  >;
}

export function baseAgent(): FakeAgent {
  return {
    inputs: { rotatorConnection: 'rotator-id' },
    variables: {
      'System.CollectionUri': 'https://dev.azure.com/contoso/',
      'System.TeamProject': 'Payments',
      'Agent.TempDirectory': '/tmp/agent',
      'System.OidcRequestUri':
        'https://dev.azure.com/contoso/p/_apis/distributedtask/hubs/build/plans/1/jobs/2/oidctoken',
    },
    endpoints: {
      'rotator-id': {
        scheme: 'ServicePrincipal',
        parameters: {
          tenantid: 'tenant-1',
          serviceprincipalid: 'app-1',
          serviceprincipalkey: 'rotator-secret-value',
        },
        data: { environment: 'AzureCloud' },
      },
      SYSTEMVSSCONNECTION: { scheme: 'OAuth', parameters: { AccessToken: 'job-token-value' } },
    },
  };
}

export function readerFor(agent: FakeAgent): InputReader {
  const endpoint = (id: string) => agent.endpoints[id] ?? agent.endpoints[id.toUpperCase()];
  return {
    getInput: (name) => agent.inputs[name],
    getSecretInput: (name) => agent.inputs[name],
    getVariable: (name) => agent.variables[name],
    getEndpointAuthorization: (id) => {
      const found = endpoint(id);
      return found ? { scheme: found.scheme, parameters: { ...found.parameters } } : undefined;
    },
    getEndpointDataParameter: (id, key) => endpoint(id)?.data?.[key],
  };
}
