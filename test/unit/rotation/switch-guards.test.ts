import assert from 'node:assert/strict';
import { HttpError } from '../../../lib/errors';
import { mayHaveLanded } from '../../../lib/rotation/switch-guards';

const put = (code: ConstructorParameters<typeof HttpError>[0], status: number) =>
  new HttpError(code, `devops.endpoints.update failed (HTTP ${status})`, {
    service: 'devops',
    operation: 'devops.endpoints.update',
    status,
  });

describe('mayHaveLanded', () => {
  const table: Array<[string, HttpError, boolean]> = [
    ['no answer', put('http.network', 0), true],
    ['a 503', put('http.unavailable', 503), true],
    ['a 408', put('devops.failed', 408), true],
    // A 2xx whose body could not be read: the PUT went through, its answer was lost.
    ['an unreadable 200', put('http.malformed_response', 200), true],
    ['a 400 refusal', put('devops.bad_request', 400), false],
    ['a 403 refusal', put('devops.not_admin', 403), false],
  ];
  for (const [what, error, landed] of table) {
    it(`${landed ? 'may have landed' : 'was refused'} after ${what}`, () => {
      assert.equal(mayHaveLanded(error), landed);
    });
  }
});
