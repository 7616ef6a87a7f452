import assert from 'node:assert/strict';
import {
  CONCURRENCY_MESSAGE,
  graphServiceCode,
  isConcurrencyRefusal,
} from '../../../lib/graph/concurrency-refusal';
import { DEFAULT_RETRY_OPTIONS, decideRetry } from '../../../lib/http/retry-policy';

const body = (code: string | undefined, message: string | undefined) => ({
  error: { ...(code ? { code } : {}), ...(message ? { message } : {}) },
});

describe('Graph concurrency refusal: recognition and the retry decision', () => {
  // status, body, recognised
  const table: Array<[string, number, unknown, boolean]> = [
    ['409 with the code', 409, body('Directory_ConcurrencyViolation', CONCURRENCY_MESSAGE), true],
    ['503 with only the message', 503, body('ServiceUnavailable', CONCURRENCY_MESSAGE), true],
    ['400 with the code', 400, body('Directory_ConcurrencyViolation', 'whatever'), true],
    ['400 Request_BadRequest with the message', 400, body('Request_BadRequest', CONCURRENCY_MESSAGE), true],
    ['400 Request_BadRequest with another message', 400, body('Request_BadRequest', 'Invalid value.'), false],
    ['409 name exists', 409, body('Request_MultipleObjectsWithSameKeyValue', 'exists'), false],
    [
      'a message that only contains the text',
      400,
      body('Request_BadRequest', `x ${CONCURRENCY_MESSAGE}`),
      false,
    ],
    ['no error object', 400, { nope: 1 }, false],
  ];
  for (const [name, status, answer, recognised] of table) {
    it(`${name}: ${recognised ? 'a definite refusal, retried even for addPassword' : 'not a refusal'}`, () => {
      assert.equal(isConcurrencyRefusal(answer), recognised);
      const code = graphServiceCode(answer);
      const decision = decideRetry(
        {
          attempt: 1,
          elapsedMs: 0,
          nowMs: 0,
          idempotent: false,
          outcome: {
            kind: 'status',
            status,
            headers: { 'retry-after': '4' },
            ...(typeof code === 'string' ? { serviceCode: code } : {}),
          },
        },
        DEFAULT_RETRY_OPTIONS,
      );
      if (recognised) assert.deepEqual(decision, { retry: true, delayMs: 4000, reason: 'throttled' });
      else assert.equal(decision.retry, false);
    });
  }
});
