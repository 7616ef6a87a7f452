import assert from 'node:assert/strict';
import { BatchPipeline } from '../../../lib/graph/batch-pipeline';
import type { JsonHttpClient } from '../../../lib/http/http-client';
import { DEFAULT_RETRY_OPTIONS } from '../../../lib/http/retry-policy';
import { silentLogger } from '../../../lib/logger';
import { FakeClock } from '../http/fake-clock';

/** A Graph `$batch` endpoint that answers every inner GET 200 with its URL, recording each batch. */
function fakeBatchClient(batches: string[][]): JsonHttpClient {
  return {
    request: async (request: { body?: unknown }) => {
      const inner = (request.body as { requests: { id: string; url: string }[] }).requests;
      batches.push(inner.map((r) => r.url));
      return {
        status: 200,
        headers: {},
        body: { responses: inner.map((r) => ({ id: r.id, status: 200, headers: {}, body: { url: r.url } })) },
      };
    },
  } as unknown as JsonHttpClient;
}

describe('BatchPipeline', () => {
  const options = (batches: string[][]) => ({
    client: fakeBatchClient(batches),
    clock: new FakeClock(),
    retry: DEFAULT_RETRY_OPTIONS,
    logger: silentLogger,
  });

  it('sends a batch the moment 20 reads are queued, before flush, and the rest on flush', async () => {
    const batches: string[][] = [];
    const pipeline = new BatchPipeline(options(batches));
    const answers = Array.from({ length: 45 }, (_, i) => pipeline.get(`/applications/${i}`));
    // Two full batches left while reads were still being queued; five wait for flush.
    assert.deepEqual(pipeline.batchSizes, [20, 20]);
    await pipeline.flush();
    assert.deepEqual(pipeline.batchSizes, [20, 20, 5]);
    assert.deepEqual(
      batches.map((b) => b.length),
      [20, 20, 5],
    );
    const bodies = await Promise.all(answers);
    assert.deepEqual(
      bodies.map((a) => (a.body as { url: string }).url),
      Array.from({ length: 45 }, (_, i) => `/applications/${i}`),
    );
  });

  it('mixes read kinds in one batch: it knows only URLs', async () => {
    const batches: string[][] = [];
    const pipeline = new BatchPipeline(options(batches));
    const app = pipeline.get("/applications(appId='a')");
    const fics = pipeline.get('/applications/1/federatedIdentityCredentials');
    await pipeline.flush();
    assert.deepEqual(batches, [["/applications(appId='a')", '/applications/1/federatedIdentityCredentials']]);
    assert.equal((await app).status, 200);
    assert.equal((await fics).status, 200);
  });

  it('sends nothing when nothing was queued', async () => {
    const batches: string[][] = [];
    const pipeline = new BatchPipeline(options(batches));
    await pipeline.flush();
    assert.deepEqual(batches, []);
  });
});
