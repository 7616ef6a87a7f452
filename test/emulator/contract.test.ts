import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import type { Emulator } from '../../emulator/index';
import { call, demoOrg, named, requestToken, start } from './helpers';

type Json = Record<string, unknown>;
const REFERENCE = join(__dirname, '..', '..', '..', 'reference');
// Some of the Microsoft files start with a byte-order mark, which JSON.parse refuses.
const read = (path: string) =>
  JSON.parse(readFileSync(join(REFERENCE, path), 'utf8').replace(/^\uFEFF/, '')) as Json;
const SERVICE_ENDPOINT = 'openapi/serviceEndpoint/7.1/serviceEndpoint.json';
const example = (name: string) =>
  ((read(`openapi/serviceEndpoint/7.1/httpExamples/${name}`)['responses'] as Json)['200'] as Json)[
    'body'
  ] as Json;

/**
 * The official Swagger files, whole, in one draft-04 validator. `asServed` is the service endpoint
 * spec with its two known gaps closed, each shown by a test against the official examples: the spec
 * types authorization parameters as strings, yet the service returns confidential ones as null
 * (azure-apis.md §1.5); and `JToken` (Newtonsoft's any-JSON value) is described as an object, yet
 * endpointproxy returns arrays in `result`.
 */
function validators() {
  const ajv = new AjvDraft04({
    allErrors: true,
    strict: false,
    unicodeRegExp: false,
    allowUnionTypes: true,
    logger: false,
  });
  const endpoints = read(SERVICE_ENDPOINT);
  const asServed = structuredClone(endpoints) as {
    definitions: Json & { EndpointAuthorization: { properties: { parameters: Json } } };
  };
  asServed.definitions.EndpointAuthorization.properties.parameters['additionalProperties'] = {
    type: ['string', 'null'],
  };
  asServed.definitions['JToken'] = {};
  ajv.addSchema(endpoints, 'serviceEndpoint');
  ajv.addSchema(asServed, 'asServed');
  ajv.addSchema(read('openapi/core/7.1/core.json'), 'core');
  ajv.addSchema(read('openapi/distributedTask/7.1/task.json'), 'task');
  return (schema: string, value: unknown) => {
    const validate = ajv.getSchema(schema);
    assert.ok(validate, `no schema ${schema}`);
    const valid = validate(value);
    return valid ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

/** Every key of `expected` is in `actual`; extra keys only from `allowedExtras`. */
function assertShape(actual: Json, expected: Json, allowedExtras: readonly string[], what: string) {
  const missing = Object.keys(expected).filter((k) => !(k in actual));
  assert.deepEqual(missing, [], `${what}: keys of the official example missing`);
  const extra = Object.keys(actual).filter((k) => !(k in expected) && !allowedExtras.includes(k));
  assert.deepEqual(extra, [], `${what}: keys the official example does not have`);
}

/** ServiceEndpoint properties of the 7.2 schema the 7.1 examples lack (azure-apis.md §1.4). */
const ENDPOINT_EXTRAS = [
  'description',
  'operationStatus',
  'isDisabled',
  'isOutdated',
  'creationDate',
  'modificationDate',
];

describe('emulator: contract with the official API descriptions', () => {
  const org = demoOrg();
  const demo = named(org);
  const headers = {
    authorization: `Bearer ${demo.identity('contoso-build').accessToken}`,
    'content-type': 'application/json',
  };
  const validate = validators();
  let emulator: Emulator;

  before(async () => {
    emulator = await start(org);
  });
  after(() => emulator.close());

  const devops = (path: string, init: RequestInit = {}) =>
    call<Json>(`${emulator.urls.organization}${path}`, { headers, ...init });

  it('returns connections that satisfy the ServiceEndpoint definition, shaped like the examples', async () => {
    const list = (await devops('Platform/_apis/serviceendpoint/endpoints?api-version=7.1&includeFailed=true'))
      .body;
    const items = list['value'] as Json[];
    assert.equal(list['count'], items.length);
    for (const item of items)
      assert.deepEqual(
        validate('serviceEndpoint#/definitions/ServiceEndpoint', item),
        [],
        String(item['name']),
      );
    const listExample = (example('endpoints/ListEndpoints.json')['value'] as Json[])[0]!;
    assertShape(items[0]!, listExample, ENDPOINT_EXTRAS, 'list item');

    const id = demo.connection('prod-deploy').id;
    const one = (await devops(`Platform/_apis/serviceendpoint/endpoints/${id}?api-version=7.1`)).body;
    assert.deepEqual(validate('asServed#/definitions/ServiceEndpoint', one), []);
    assert.notDeepEqual(
      validate('serviceEndpoint#/definitions/ServiceEndpoint', one),
      [],
      'the null secret breaks the literal spec',
    );
    const created = example('endpoints/CreateAzureRMEndpoint.json');
    assert.notDeepEqual(
      validate('serviceEndpoint#/definitions/ServiceEndpoint', created),
      [],
      'so does the official example',
    );
    assert.deepEqual(validate('asServed#/definitions/ServiceEndpoint', created), []);
    assertShape(one, created, ENDPOINT_EXTRAS, 'get');
    const authorization = one['authorization'] as { parameters: Json };
    assert.deepEqual(
      Object.keys(authorization.parameters).sort(),
      Object.keys((created['authorization'] as { parameters: Json }).parameters).sort(),
    );
    assert.deepEqual(Object.keys(one['data'] as Json).sort(), Object.keys(created['data'] as Json).sort());

    const updated = (
      await devops(`_apis/serviceendpoint/endpoints/${id}?api-version=7.1`, {
        method: 'PUT',
        body: JSON.stringify(one),
      })
    ).body;
    assert.deepEqual(validate('asServed#/definitions/ServiceEndpoint', updated), []);
    assertShape(updated, created, ENDPOINT_EXTRAS, 'update');
  });

  it('returns projects that satisfy TeamProjectReference', async () => {
    const projects = (await devops('_apis/projects?api-version=7.1')).body;
    for (const project of projects['value'] as Json[])
      assert.deepEqual(validate('core#/definitions/TeamProjectReference', project), []);
  });

  it('returns endpointproxy results that satisfy ServiceEndpointRequestResult, shaped like the example', async () => {
    const id = demo.connection('prod-deploy').id;
    const result = (
      await devops(
        `Platform/_apis/serviceendpoint/endpointproxy?endpointId=${id}&api-version=7.1-preview.1`,
        {
          method: 'POST',
          body: JSON.stringify({ dataSourceDetails: { dataSourceName: 'TestConnection' } }),
        },
      )
    ).body;
    assert.deepEqual(validate('asServed#/definitions/ServiceEndpointRequestResult', result), []);
    const official = read(
      'openapi/serviceEndpoint/7.1/httpExamples/endpointproxy/POST__ExecuteServiceEndpointRequestAsync.json',
    );
    const body = ((official['responses'] as Json)['200'] as Json)['body'] as Json;
    assert.notDeepEqual(
      validate('serviceEndpoint#/definitions/ServiceEndpointRequestResult', body),
      [],
      'the example breaks the literal spec',
    );
    assert.deepEqual(validate('asServed#/definitions/ServiceEndpointRequestResult', body), []);
    assertShape(result, body, ['activityId', 'callbackRequired'], 'endpointproxy');
  });

  it('returns OIDC tokens that satisfy TaskHubOidcToken', async () => {
    const uri = emulator.oidcRequestUri(demo.project('Platform').id);
    const token = (
      await call<Json>(
        `${uri}?api-version=7.1-preview.1&serviceConnectionId=${demo.connection('rotator-wif').id}`,
        { method: 'POST', headers, body: '{}' },
      )
    ).body;
    assert.deepEqual(validate('task#/definitions/TaskHubOidcToken', token), []);
    assert.deepEqual(Object.keys(token), ['oidcToken']);
  });

  it('answers Graph credential calls with the keys of the Graph documentation examples', async () => {
    const app = demo.app('deploy-web-wif');
    const rotator = demo.app('sc-rotator');
    const uri = emulator.oidcRequestUri(demo.project('Platform').id);
    const oidc = (
      await call<Json>(`${uri}?api-version=7.1&serviceConnectionId=${demo.connection('rotator-wif').id}`, {
        method: 'POST',
        headers,
        body: '{}',
      })
    ).body;
    const token = await requestToken(emulator, rotator.tenantId, {
      client_id: rotator.appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: String(oidc['oidcToken']),
      scope: `${emulator.urls.graph}/.default`,
    });
    const graph = (path: string, body: unknown) =>
      call<Json>(`${emulator.urls.graph}/v1.0/applications/${app.objectId}/${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token.body['access_token']}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const addPassword = read('examples/graph-application-addpassword.json') as {
      request: { body: Json };
      response: { body: Json };
    };
    const added = await graph('addPassword', addPassword.request.body);
    assert.equal(added.status, 200);
    assertShape(added.body, addPassword.response.body, ['@odata.context'], 'addPassword');
    const removePassword = read('examples/graph-application-removepassword.json') as {
      response: { status: number };
    };
    assert.equal(
      (await graph('removePassword', { keyId: added.body['keyId'] })).status,
      removePassword.response.status,
    );
    const fic = read('examples/graph-federatedidentitycredential-create.json') as {
      request: { body: Json };
      response: { status: number; body: Json };
    };
    const created = await graph('federatedIdentityCredentials', fic.request.body);
    assert.equal(created.status, fic.response.status);
    assertShape(created.body, fic.response.body, [], 'federatedIdentityCredentials');
  });
});
