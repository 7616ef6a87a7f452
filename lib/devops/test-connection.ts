/**
 * Verifying a connection through the endpoint proxy's `TestConnection` data source, as the UI's
 * "Verify" and the Terraform provider do (azure-apis.md §1.8). With `serviceEndpointDetails` the
 * service tests details that are not saved yet (the new secret, before the switching PUT).
 * The HTTP status is 200 even when the test fails: success is `statusCode` "ok" (any case); a
 * failure may come as a name (`unauthorized`) or a number (`403`).
 */
import type { ServiceEndpointRequest } from 'azure-devops-node-api/interfaces/ServiceEndpointInterfaces';
import { redact } from '../errors';
import { confidentialValues } from './endpoint-document';
import type { EndpointDocument, TestConnectionResult } from './types';

/** Longest service message kept in a result. */
const MAX_MESSAGE = 500;

/** The request body for `TestConnection`, with the proposed details when given. */
export function testConnectionRequest(proposed?: EndpointDocument): ServiceEndpointRequest {
  return {
    dataSourceDetails: { dataSourceName: 'TestConnection', parameters: {} },
    resultTransformationDetails: {},
    ...(proposed
      ? {
          serviceEndpointDetails: {
            type: proposed.type,
            url: proposed.url,
            authorization: {
              scheme: proposed.authorization.scheme,
              // Sent as is: a null confidential parameter means "the stored value", as on PUT
              // (azure-apis.md §1.5); node-api's type says string, the service takes null.
              parameters: proposed.authorization.parameters as Record<string, string>,
            },
            data: proposed.data,
          },
        }
      : {}),
  };
}

/** Reads the service's answer; the message is redacted of the proposed secrets and shortened. */
export function parseTestConnectionResult(raw: unknown, proposed?: EndpointDocument): TestConnectionResult {
  const result = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    statusCode?: unknown;
    errorMessage?: unknown;
  };
  const statusCode =
    typeof result.statusCode === 'number' || typeof result.statusCode === 'string'
      ? String(result.statusCode)
      : '';
  const ok = statusCode.trim().toLowerCase() === 'ok' || statusCode.trim() === '200';
  const message =
    ok || typeof result.errorMessage !== 'string'
      ? ''
      : redact(result.errorMessage, confidentialValues(proposed)).slice(0, MAX_MESSAGE);
  return { ok, statusCode: statusCode || 'unknown', message };
}
