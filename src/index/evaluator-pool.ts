// Spreads OPRF evaluations and entry sealing over worker threads (one per core by default), so that an ingest
// uses every core; with `threads: 0` the same code runs inline (tests, tiny inputs).

import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  createEvaluatorCore,
  createMasker,
  type EvaluateJob,
  type EvaluateResult,
  type SealJob,
  type SealResult,
} from './evaluator-core.js';

export interface EvaluatorPoolOptions {
  secretKey: Uint8Array;
  /** Worker threads; 0 runs inline. Default: the number of cores. */
  threads?: number;
}

export interface EvaluatorPool {
  readonly threads: number;
  evaluate(canonicals: string[]): Promise<EvaluateResult>;
  seal(job: Omit<SealJob, 'kind'>): Promise<SealResult>;
  /**
   * The bucket prefix of a stored identifier: its masked prefix XOR the keyed mask of y (see evaluator-core.ts),
   * on the calling thread. Lets the index builder have SQLite sort identifiers by bucket.
   */
  unmaskPrefix(y: Uint8Array, maskedPrefix: number): number;
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: number;
}

/** The compiled worker: beside this file in dist/, or dist/'s copy when this module runs from TypeScript sources (vitest). */
function workerUrl(): URL {
  const here = new URL('./evaluator-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const compiled = fileURLToPath(here).replace(/([\\/])src([\\/])index([\\/])evaluator-worker\.js$/, '$1dist$1src$2index$3evaluator-worker.js');
  if (!existsSync(compiled)) throw new Error(`evaluator worker not built: run "npm run build" (looked for ${compiled})`);
  return pathToFileURL(compiled);
}

export async function createEvaluatorPool(options: EvaluatorPoolOptions): Promise<EvaluatorPool> {
  const threads = options.threads ?? availableParallelism();
  const maskFor = createMasker(options.secretKey);
  const unmaskPrefix = (y: Uint8Array, maskedPrefix: number): number => (maskedPrefix ^ maskFor(y)) >>> 0;
  if (threads === 0) {
    const core = await createEvaluatorCore(options.secretKey);
    return {
      threads: 0,
      evaluate: async (canonicals) => core.evaluate({ kind: 'evaluate', canonicals }),
      seal: async (job) => core.seal({ kind: 'seal', ...job }),
      unmaskPrefix,
      close: async () => {},
    };
  }

  const url = workerUrl();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | null = null;
  const slots: Slot[] = await Promise.all(
    Array.from({ length: threads }, () => {
      const worker = new Worker(url, { workerData: { secretKey: options.secretKey } });
      return new Promise<Slot>((resolve, reject) => {
        const slot: Slot = { worker, inFlight: 0 };
        worker.once('error', reject);
        worker.on('message', (message: { ready?: true; id?: number; result?: unknown; error?: string }) => {
          if (message.ready === true) {
            worker.off('error', reject);
            worker.on('error', (error) => fail(error));
            resolve(slot);
            return;
          }
          const entry = pending.get(message.id ?? -1);
          if (entry === undefined) return;
          pending.delete(message.id!);
          slot.inFlight--;
          if (message.error !== undefined) entry.reject(new Error(message.error));
          else entry.resolve(message.result as never);
        });
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`evaluator worker exited with code ${code}`));
        });
      });
    }),
  );

  function fail(error: Error): void {
    failure ??= error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  }

  function run<T>(job: EvaluateJob | SealJob, transfer: ArrayBuffer[]): Promise<T> {
    if (failure !== null) return Promise.reject(failure);
    let slot = slots[0]!;
    for (const candidate of slots) if (candidate.inFlight < slot.inFlight) slot = candidate;
    const id = nextId++;
    slot.inFlight++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: never) => void, reject });
      slot.worker.postMessage({ id, job }, transfer);
    });
  }

  return {
    threads,
    evaluate: (canonicals) => run<EvaluateResult>({ kind: 'evaluate', canonicals }, []),
    // The buffers are copied, not transferred: callers may still hold views on them.
    seal: (job) => run<SealResult>({ kind: 'seal', ...job }, []),
    unmaskPrefix,
    async close() {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
