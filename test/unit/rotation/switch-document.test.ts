import assert from 'node:assert/strict';
import type { EndpointDocument } from '../../../lib/devops/types';
import { parseRecord, withRecord } from '../../../lib/rotation/record';
import { buildSwitchDocument, effectiveCreationMode } from '../../../lib/rotation/switch-document';
import { iso, NOW, record, uuid } from '../inventory/builders';

const NEW = record(uuid(2, 'eeeeeeee'), NOW);

function automatic(): EndpointDocument {
  return {
    id: uuid(100),
    name: 'deploy-prod',
    type: 'azurerm',
    url: 'https://management.azure.com/',
    description: 'Deploys production.',
    authorization: {
      scheme: 'ServicePrincipal',
      parameters: {
        tenantid: uuid(1),
        serviceprincipalid: uuid(2),
        authenticationType: 'spnKey',
        serviceprincipalkey: null,
        servicePrincipalCertificate: null,
        accesstoken: null,
      },
    },
    data: {
      subscriptionId: uuid(3),
      environment: 'AzureCloud',
      creationMode: 'Automatic',
      spnObjectId: uuid(4),
      appObjectId: uuid(5),
      azureSpnRoleAssignmentId: uuid(6),
      azureSpnPermissions: '[{"roleAssignmentId":"r"}]',
    },
    serviceEndpointProjectReferences: [
      { projectReference: { id: uuid(7), name: 'Alpha' }, name: 'deploy-prod' },
    ],
    isReady: true,
    isShared: false,
    owner: 'library',
    operationStatus: { state: 'Ready', statusMessage: '' },
  };
}

describe('buildSwitchDocument', () => {
  it('puts the new secret in serviceprincipalkey and keeps other confidential parameters as null', () => {
    const next = buildSwitchDocument(automatic(), { secret: 'new-secret', record: NEW, takeOver: false });
    assert.deepEqual(next.authorization.parameters, {
      tenantid: uuid(1),
      serviceprincipalid: uuid(2),
      authenticationType: 'spnKey',
      serviceprincipalkey: 'new-secret',
      servicePrincipalCertificate: null,
    });
  });

  it('removes the accesstoken parameter, whatever its case', () => {
    const doc = automatic();
    doc.authorization.parameters = { ...doc.authorization.parameters, AccessToken: null };
    const next = buildSwitchDocument(doc, { secret: 's', record: NEW, takeOver: false });
    assert.ok(!Object.keys(next.authorization.parameters).some((k) => k.toLowerCase() === 'accesstoken'));
  });

  it('keeps the key spelling the connection uses and sends it only once', () => {
    const doc = automatic();
    doc.authorization.parameters = { ServicePrincipalKey: null, serviceprincipalkey: null, tenantid: 't' };
    const next = buildSwitchDocument(doc, { secret: 's', record: NEW, takeOver: false });
    assert.deepEqual(next.authorization.parameters, { ServicePrincipalKey: 's', tenantid: 't' });
  });

  it('adds serviceprincipalkey when the GET body had none', () => {
    const doc = automatic();
    doc.authorization.parameters = { tenantid: 't' };
    const next = buildSwitchDocument(doc, { secret: 's', record: NEW, takeOver: false });
    assert.deepEqual(next.authorization.parameters, { tenantid: 't', serviceprincipalkey: 's' });
  });

  it('leaves an Automatic connection Automatic, with its object ids, without takeOver', () => {
    const next = buildSwitchDocument(automatic(), { secret: 's', record: NEW, takeOver: false });
    assert.deepEqual(next.data, automatic().data);
  });

  it('with takeOver makes it Manual and strips exactly spnObjectId and appObjectId', () => {
    const next = buildSwitchDocument(automatic(), { secret: 's', record: NEW, takeOver: true });
    assert.deepEqual(next.data, {
      subscriptionId: uuid(3),
      environment: 'AzureCloud',
      azureSpnRoleAssignmentId: uuid(6),
      azureSpnPermissions: '[{"roleAssignmentId":"r"}]',
      creationMode: 'Manual',
    });
    assert.equal(effectiveCreationMode(next), 'Manual');
  });

  it('records the new keyId after the user text', () => {
    const next = buildSwitchDocument(automatic(), { secret: 's', record: NEW, takeOver: false });
    assert.equal(
      next.description,
      `Deploys production.\n[sc-rotator: keyId=${NEW.keyId}; installed=${iso(NOW)}]`,
    );
    assert.deepEqual(parseRecord(next.description), NEW);
  });

  it('replaces an older record and keeps the user text', () => {
    const doc = automatic();
    doc.description = withRecord('Line one.\nLine two.', record(uuid(1, 'eeeeeeee'), NOW - 1000));
    const next = buildSwitchDocument(doc, { secret: 's', record: NEW, takeOver: false });
    assert.equal(
      next.description,
      `Line one.\nLine two.\n[sc-rotator: keyId=${NEW.keyId}; installed=${iso(NOW)}]`,
    );
  });

  it('records when the replaced record was installed, and reads records with and without it', () => {
    const previous = iso(NOW - 1000);
    const next = buildSwitchDocument(automatic(), {
      secret: 's',
      record: { ...NEW, previousInstalledAt: previous },
      takeOver: false,
    });
    assert.equal(
      next.description,
      `Deploys production.\n[sc-rotator: keyId=${NEW.keyId}; installed=${iso(NOW)}; previous=${previous}]`,
    );
    assert.deepEqual(parseRecord(next.description), { ...NEW, previousInstalledAt: previous });
    assert.deepEqual(parseRecord(withRecord('', { ...NEW, previousInstalledAt: 'none' })), {
      ...NEW,
      previousInstalledAt: 'none',
    });
    assert.deepEqual(parseRecord(withRecord('x', NEW)), NEW);
    // A malformed `previous` is no record at all: nothing is guessed.
    assert.equal(parseRecord(`[sc-rotator: keyId=${NEW.keyId}; installed=${iso(NOW)}; previous=soon]`), null);
  });

  it('changes nothing else and never mutates its input', () => {
    const before = automatic();
    const next = buildSwitchDocument(before, { secret: 's', record: NEW, takeOver: true });
    assert.deepEqual(before, automatic());
    const { authorization: _a, data: _d, description: _t, ...rest } = next;
    const { authorization: _b, data: _e, description: _u, ...restBefore } = automatic();
    assert.deepEqual(rest, restBefore);
    assert.equal(next.authorization.scheme, 'ServicePrincipal');
  });
});

describe('effectiveCreationMode', () => {
  it('infers Automatic from the object ids when creationMode is missing', () => {
    const doc = automatic();
    const { creationMode: _m, ...data } = doc.data;
    assert.equal(effectiveCreationMode({ ...doc, data }), 'Automatic');
    assert.equal(effectiveCreationMode({ ...doc, data: { environment: 'AzureCloud' } }), 'Manual');
  });
});
