import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AZURE_DEVOPS_APP_SEGMENT,
  azureDevOpsSubject,
  encodeGuid,
  entraSubject,
  guidBytes,
  guidFromBytes,
  parseAzureDevOpsSubject,
  parseEntraSubject,
} from '../../../lib/federation/subjects';

// federation-and-certificates.md §7: from a real Entra-issued token (gravitational/teleport RFD 0211).
const VECTOR = {
  tenantId: 'ff882432-09b0-437b-bd22-ca13c0037ded',
  organizationId: '0ca3ddd9-f0b0-4635-a98c-5866526961b6',
  connectionId: '64171687-7a59-4fce-b2c8-823278dcf176',
};
const VECTOR_SUBJECT =
  '/eid1/c/pub/t/MiSI_7AJe0O9IsoTwAN97Q/a/rISbSSETf0KqFyZ8ppdXmA/sc/0ca3ddd9-f0b0-4635-a98c-5866526961b6/64171687-7a59-4fce-b2c8-823278dcf176';

const guid = fc.uuid().map((u) => u.toLowerCase());

describe('federation subjects', () => {
  describe('entraSubject', () => {
    it('computes the public test vector', () => {
      assert.equal(entraSubject(VECTOR), VECTOR_SUBJECT);
    });

    it('encodes the Azure DevOps application id as rISbSSETf0KqFyZ8ppdXmA', () => {
      assert.equal(AZURE_DEVOPS_APP_SEGMENT, 'rISbSSETf0KqFyZ8ppdXmA');
    });

    it('writes ids in lower case whatever case they come in', () => {
      const upper = {
        tenantId: VECTOR.tenantId.toUpperCase(),
        organizationId: VECTOR.organizationId.toUpperCase(),
        connectionId: VECTOR.connectionId.toUpperCase(),
      };
      assert.equal(entraSubject(upper), VECTOR_SUBJECT);
    });

    it('refuses an id that is not a GUID, naming it', () => {
      assert.throws(
        () => entraSubject({ ...VECTOR, organizationId: 'fabrikam' }),
        /organizationId must be a GUID, got "fabrikam"/,
      );
    });
  });

  describe('GUID bytes', () => {
    it('reverses the first three groups (.NET Guid.ToByteArray)', () => {
      assert.equal(
        guidBytes('00112233-4455-6677-8899-aabbccddeeff').toString('hex'),
        '33221100554477668899aabbccddeeff',
      );
    });

    it('round-trips any GUID through its bytes and its encoding (property)', () => {
      fc.assert(
        fc.property(guid, (id) => {
          assert.equal(guidFromBytes(guidBytes(id)), id);
          assert.equal(encodeGuid(id).length, 22);
          assert.equal(guidFromBytes(Buffer.from(encodeGuid(id), 'base64url')), id);
        }),
      );
    });
  });

  describe('parseEntraSubject', () => {
    it('reads the tenant, organization and connection back from the vector', () => {
      assert.deepEqual(parseEntraSubject(VECTOR_SUBJECT), {
        tenantId: VECTOR.tenantId,
        appSegment: 'rISbSSETf0KqFyZ8ppdXmA',
        organizationId: VECTOR.organizationId,
        connectionId: VECTOR.connectionId,
      });
    });

    it('inverts entraSubject (property)', () => {
      fc.assert(
        fc.property(guid, guid, guid, (tenantId, organizationId, connectionId) => {
          const parsed = parseEntraSubject(entraSubject({ tenantId, organizationId, connectionId }));
          assert.deepEqual(parsed, {
            tenantId,
            appSegment: AZURE_DEVOPS_APP_SEGMENT,
            organizationId,
            connectionId,
          });
        }),
      );
    });

    const notEntra: Array<[string, string | null]> = [
      ['null (a flexible federated credential)', null],
      ['an sc:// subject', 'sc://fabrikam/web/prod'],
      ['a trailing space', `${VECTOR_SUBJECT} `],
      ['a missing connection id', VECTOR_SUBJECT.replace(/\/[^/]+$/, '')],
      ['a GitHub subject', 'repo:contoso/app:ref:refs/heads/main'],
      ['a short tenant segment', VECTOR_SUBJECT.replace('MiSI_7AJe0O9IsoTwAN97Q', 'MiSI')],
    ];
    for (const [label, subject] of notEntra) {
      it(`is null for ${label}`, () => assert.equal(parseEntraSubject(subject), null));
    }
  });

  describe('sc:// subjects', () => {
    it('builds sc://organization/project/name', () => {
      assert.equal(
        azureDevOpsSubject({ organization: 'fabrikam', project: 'Web', connectionName: 'prod deploy' }),
        'sc://fabrikam/Web/prod deploy',
      );
    });

    const table: Array<[string, string | null, ReturnType<typeof parseAzureDevOpsSubject>]> = [
      [
        'a plain subject',
        'sc://fabrikam/Web/prod',
        { organization: 'fabrikam', project: 'Web', connectionName: 'prod' },
      ],
      [
        'a connection name with a slash and spaces',
        'sc://fabrikam/Web/prod / eu west',
        { organization: 'fabrikam', project: 'Web', connectionName: 'prod / eu west' },
      ],
      ['no connection name', 'sc://fabrikam/Web/', null],
      ['no project', 'sc://fabrikam//prod', null],
      ['no organization', 'sc:///Web/prod', null],
      ['two segments only', 'sc://fabrikam/Web', null],
      ['another scheme', 'repo:contoso/app:ref:refs/heads/main', null],
      ['an Entra subject', VECTOR_SUBJECT, null],
      ['null', null, null],
    ];
    for (const [label, subject, expected] of table) {
      it(`parses ${label}`, () => assert.deepEqual(parseAzureDevOpsSubject(subject), expected));
    }

    it('inverts azureDevOpsSubject for names without a slash in organization or project (property)', () => {
      const segment = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('/'));
      fc.assert(
        fc.property(
          segment,
          segment,
          fc.string({ minLength: 1, maxLength: 30 }),
          (organization, project, name) => {
            fc.pre(!name.endsWith('/'));
            const names = { organization, project, connectionName: name };
            assert.deepEqual(parseAzureDevOpsSubject(azureDevOpsSubject(names)), names);
          },
        ),
      );
    });
  });
});
