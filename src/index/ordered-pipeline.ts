// Keeps a bounded number of jobs in flight on the evaluator threads and consumes their results in submission
// order, so that what is stored never depends on thread timing. Used by the ingest and the index build. A consumer
// that returns a promise (a store asking to wait) holds the next results back until it settles.

export interface OrderedPipeline<T> {
  /** Adds a running job; waits while `window` jobs are still unconsumed (backpressure). */
  push(job: Promise<T>): Promise<void>;
  /** Waits until every job pushed so far has been consumed; rejects with the first failure. */
  drain(): Promise<void>;
}

export function createOrderedPipeline<T>(window: number, consume: (result: T) => unknown): OrderedPipeline<T> {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`"window" expected a positive integer, got ${window}`);
  let tail: Promise<void> = Promise.resolve();
  const unconsumed: Promise<void>[] = [];
  return {
    async push(job) {
      // A failure is reported once, through the chain; these handlers only keep it from being "unhandled"
      // when the caller stops early.
      job.catch(() => undefined);
      tail = tail.then(async () => {
        await consume(await job);
      });
      tail.catch(() => undefined);
      unconsumed.push(tail);
      if (unconsumed.length >= window) await unconsumed.shift();
    },
    async drain() {
      unconsumed.length = 0;
      await tail;
    },
  };
}
