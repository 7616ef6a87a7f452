/**
 * Graph's "concurrent requests" refusal, in every shape it is reported with
 * (federation-and-certificates.md §6; spec §5.4):
 *
 * | status | `error.code`                     | `error.message`                         | seen in                     |
 * |--------|----------------------------------|-----------------------------------------|-----------------------------|
 * | 409    | `Directory_ConcurrencyViolation` | the message below                       | nais/azurerator#448         |
 * | 503    | (not given in the report)        | the message below                       | Azure/azure-cli#23081       |
 * | 400    | `Directory_ConcurrencyViolation` | the message below                       | client retry code           |
 * | 400    | `Request_BadRequest`             | only the message identifies it          | client retry code           |
 *
 * So it is recognised by the code at any status, or by the exact message whatever the code
 * (the rule nais/azurerator's credential retry helper applies). A refused write was never applied,
 * which makes it safe to repeat even for `addPassword`: the retry policy treats it as a definite
 * refusal and honours `Retry-After`. The message is matched, never copied into an error: errors
 * carry only the (normalised) code.
 */
import { CONCURRENCY_VIOLATION } from '../http/retry-policy';

/** The text Graph sends with the refusal. */
export const CONCURRENCY_MESSAGE =
  'Error due to concurrent requests being made to the tenant. Please wait briefly and retry.';

function errorObject(body: unknown): Record<string, unknown> {
  const error =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['error'] : undefined;
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
}

/** True when a Graph error body is the concurrency refusal, by code or by the exact message. */
export function isConcurrencyRefusal(body: unknown): boolean {
  const { code, message } = errorObject(body);
  return (
    code === CONCURRENCY_VIOLATION || (typeof message === 'string' && message.trim() === CONCURRENCY_MESSAGE)
  );
}

/**
 * The service code of a Graph error body, with every shape of the concurrency refusal normalised
 * to `Directory_ConcurrencyViolation`, so the one retry policy sees one code whatever Graph sent.
 */
export function graphServiceCode(body: unknown): unknown {
  return isConcurrencyRefusal(body) ? CONCURRENCY_VIOLATION : errorObject(body)['code'];
}
