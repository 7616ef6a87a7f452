import assert from 'node:assert/strict';
import { CredentialWriteSerializer } from '../../../lib/graph/credential-write-serializer';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('CredentialWriteSerializer', () => {
  it('runs writes on one app one at a time in arrival order; other apps do not wait', async () => {
    const writes = new CredentialWriteSerializer();
    const order: string[] = [];
    const first = deferred();
    const a1 = writes.run('APP-A', async () => {
      order.push('a1 start');
      await first.promise;
      order.push('a1 end');
    });
    const a2 = writes.run('app-a', async () => {
      order.push('a2');
    });
    const b1 = writes.run('app-b', async () => {
      order.push('b1');
    });
    await b1;
    assert.deepEqual(order, ['a1 start', 'b1']);
    first.resolve();
    await Promise.all([a1, a2]);
    assert.deepEqual(order, ['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('a failed write rejects its caller only; the next one runs, and drained apps are forgotten', async () => {
    const writes = new CredentialWriteSerializer();
    const failed = writes.run('app', async () => {
      throw new Error('refused');
    });
    const next = writes.run('app', async () => 'done');
    await assert.rejects(failed, /refused/);
    assert.equal(await next, 'done');
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.busy, 0);
  });
});
