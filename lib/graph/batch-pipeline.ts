/**
 * Graph reads batched as they become known (spec §6: "discovery starts Graph reads as soon as the
 * first project's connections arrive"; issue #13). A read is queued with {@link BatchPipeline.get}
 * and a `$batch` of 20 leaves the moment 20 are queued, while the caller is still finding more;
 * {@link BatchPipeline.flush} sends the rest. So every batch is full except the last, and Graph
 * works while Azure DevOps is still listing connections.
 *
 * Any read kind plugs in by queuing its own GETs and parsing its own answers (application lookups,
 * certificate lists, federated credential lists): the pipeline knows only URLs. Batches go through
 * {@link runChunk}, so each is retried per item and bounded by the Graph client's limiter.
 */
import {
  type BatchOptions,
  type BatchRequest,
  type BatchResponse,
  MAX_BATCH_SIZE,
  runChunk,
} from './graph-batch';

interface Queued {
  request: BatchRequest;
  resolve: (answer: BatchResponse) => void;
  reject: (error: unknown) => void;
}

/** See the file comment. */
export class BatchPipeline {
  private queued: Queued[] = [];
  private readonly sent: Promise<void>[] = [];
  private nextId = 1;
  /** Batches sent, and how many items each carried (for tests and diagnostics). */
  readonly batchSizes: number[] = [];

  constructor(private readonly options: BatchOptions) {}

  /** Queues one GET (URL relative to the version root); resolves with its final answer. */
  get(url: string): Promise<BatchResponse> {
    return new Promise<BatchResponse>((resolve, reject) => {
      this.queued.push({ request: { id: String(this.nextId++), url }, resolve, reject });
      if (this.queued.length >= MAX_BATCH_SIZE) this.send(this.queued.splice(0, MAX_BATCH_SIZE));
    });
  }

  /** Sends what is queued and resolves once every batch sent so far has its answers. */
  async flush(): Promise<void> {
    while (this.queued.length > 0) this.send(this.queued.splice(0, MAX_BATCH_SIZE));
    await Promise.all(this.sent);
  }

  private send(items: Queued[]): void {
    this.batchSizes.push(items.length);
    const done = runChunk(
      items.map((item) => item.request),
      this.options,
    ).then(
      (answers) => {
        const byId = new Map(answers.map((answer) => [answer.id, answer]));
        for (const item of items) {
          const answer = byId.get(item.request.id);
          if (answer) item.resolve(answer);
          else item.reject(new Error(`graph.batch: no answer for item ${item.request.id}`));
        }
      },
      (error: unknown) => {
        for (const item of items) item.reject(error);
      },
    );
    this.sent.push(done);
  }
}
