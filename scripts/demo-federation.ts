/**
 * What `npm start` adds to the demo organization so that a new user sees the workload identity
 * federation findings (issue #11, spec §7) beside the secrets: `web-wif` is already on the Azure
 * DevOps issuer that retires on 2027-07-01; this adds `api-wif`, a connection renamed from
 * `api-deploy` whose app still trusts the old `sc://` subject, so its federation is broken and that
 * old credential is dangling (a new connection named `api-deploy` would inherit the app's access).
 *
 * Kept out of `emulator/orgs/demo.json`, which the tests share, so their counts stay as they are.
 */
import type { OrgDescription } from '../emulator';

const API_APP = {
  appId: '9a7c3e51-2b4d-4f6a-8c1e-5d9b0f2a7e31',
  objectId: '4e8d2c6a-1f3b-4a5c-9e7d-0b2f6a8c4d19',
  spObjectId: '7b1e5d3f-9c2a-4e6b-8d4f-2a0c6e8b1f57',
};
const API_CONNECTION_ID = '3c5e7a9b-1d2f-4a6c-8e0b-9f1d3b5c7e2a';

/** The demo organization with the federation cases added (a new object; `org` is not changed). */
export function withFederationCases(org: OrgDescription): OrgDescription {
  const rotator = (org.applications ?? []).find((a) => a.displayName === 'sc-rotator');
  const webWif = (org.serviceConnections ?? []).find((c) => c.name === 'web-wif');
  if (!rotator || !webWif?.tenantId) throw new Error('demo.json has no sc-rotator app or web-wif connection');
  const issuer = `https://vstoken.dev.azure.com/${org.organization.id}`;
  return {
    ...org,
    applications: [
      ...(org.applications ?? []),
      {
        appId: API_APP.appId,
        objectId: API_APP.objectId,
        tenantId: webWif.tenantId,
        displayName: 'deploy-api-wif',
        servicePrincipal: { objectId: API_APP.spObjectId, accountEnabled: true },
        owners: [rotator.appId],
        federatedIdentityCredentials: [
          {
            name: 'api-deploy',
            issuer,
            subject: `sc://${org.organization.name}/Web/api-deploy`,
            description: 'Made for the connection before it was renamed to api-wif',
          },
        ],
      },
    ],
    serviceConnections: [
      ...(org.serviceConnections ?? []),
      {
        id: API_CONNECTION_ID,
        name: 'api-wif',
        type: 'AzureRM',
        projects: ['Web'],
        scheme: 'WorkloadIdentityFederation',
        issuerType: 'AzureDevOps',
        tenantId: webWif.tenantId,
        appId: API_APP.appId,
        subscriptionId: '81bd940d-5331-4905-b01a-c8795595e972',
        subscriptionName: 'Contoso web-wif',
        creationMode: 'Manual',
        description: 'Renamed from api-deploy',
      },
    ],
  };
}
