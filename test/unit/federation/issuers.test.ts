import assert from 'node:assert/strict';
import {
  azureDevOpsIssuer,
  classifyIssuer,
  entraIssuer,
  ISSUER_RETIREMENT,
  ISSUER_RETIREMENT_MS,
  isAzureDevOpsIssuer,
  TOKEN_EXCHANGE_AUDIENCE,
  VISUAL_STUDIO_ISSUER,
} from '../../../lib/federation/issuers';

const TENANT = 'ff882432-09b0-437b-bd22-ca13c0037ded';
const ORG = '0ca3ddd9-f0b0-4635-a98c-5866526961b6';

describe('federation issuers', () => {
  it('retires the Azure DevOps issuer at 2027-07-01T00:00:00Z', () => {
    assert.equal(ISSUER_RETIREMENT, '2027-07-01T00:00:00.000Z');
    assert.equal(ISSUER_RETIREMENT_MS, Date.UTC(2027, 6, 1, 0, 0, 0));
  });

  it('uses the token exchange audience', () => {
    assert.equal(TOKEN_EXCHANGE_AUDIENCE, 'api://AzureADTokenExchange');
  });

  it('builds the Entra issuer of a tenant, in lower case, on the public cloud by default', () => {
    assert.equal(entraIssuer(TENANT.toUpperCase()), `https://login.microsoftonline.com/${TENANT}/v2.0`);
    assert.equal(
      entraIssuer(TENANT, 'https://login.microsoftonline.us/'),
      `https://login.microsoftonline.us/${TENANT}/v2.0`,
    );
  });

  it('builds the Azure DevOps issuer of an organization', () => {
    assert.equal(azureDevOpsIssuer(ORG.toUpperCase()), `https://vstoken.dev.azure.com/${ORG}`);
  });

  it('refuses ids that are not GUIDs, naming the value', () => {
    assert.throws(() => entraIssuer('contoso.onmicrosoft.com'), /tenant id must be a GUID, got "contoso/);
    assert.throws(() => azureDevOpsIssuer('fabrikam'), /organization id must be a GUID, got "fabrikam"/);
  });

  const table: Array<[string, string | null, ReturnType<typeof classifyIssuer>, boolean]> = [
    [
      'the Entra issuer',
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      { kind: 'entra', tenantId: TENANT },
      false,
    ],
    [
      'an Entra issuer with an upper-case tenant',
      `https://login.microsoftonline.com/${TENANT.toUpperCase()}/v2.0`,
      { kind: 'entra', tenantId: TENANT },
      false,
    ],
    [
      'the Azure DevOps issuer',
      `https://vstoken.dev.azure.com/${ORG}`,
      { kind: 'azure-devops', organizationId: ORG },
      true,
    ],
    ['the older Azure DevOps issuer', VISUAL_STUDIO_ISSUER, { kind: 'visual-studio' }, true],
    [
      'the Azure DevOps issuer with a leading space',
      ` https://vstoken.dev.azure.com/${ORG}`,
      { kind: 'other' },
      false,
    ],
    [
      'the Azure DevOps issuer with a trailing slash',
      `https://vstoken.dev.azure.com/${ORG}/`,
      { kind: 'other' },
      false,
    ],
    [
      'the Entra issuer without /v2.0',
      `https://login.microsoftonline.com/${TENANT}`,
      { kind: 'other' },
      false,
    ],
    ['GitHub', 'https://token.actions.githubusercontent.com', { kind: 'other' }, false],
    ['null', null, { kind: 'other' }, false],
  ];
  for (const [label, issuer, expected, retired] of table) {
    it(`classifies ${label}`, () => {
      assert.deepEqual(classifyIssuer(issuer), expected);
      assert.equal(isAzureDevOpsIssuer(issuer), retired);
    });
  }
});
