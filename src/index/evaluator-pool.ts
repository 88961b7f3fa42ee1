// Spreads OPRF evaluations and entry sealing over worker threads (one per core by default), so that an ingest
// uses every core; with `threads: 0` the same code runs inline (tests, tiny inputs).

import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  createEvaluatorCore,
  type AssembleJob,
  type BlindJob,
  type BlindResult,
  type EvaluateJob,
  type EvaluateResult,
  type SealJob,
  type SealResult,
} from './evaluator-core.js';

export interface EvaluatorPoolOptions {
  secretKey: Uint8Array;
  /** Worker threads; 0 runs inline. Default: the number of cores. */
  threads?: number;
  /** Told when a worker dies after it started (its jobs fail, a new one takes its place): for the server's log. */
  onWorkerLost?: (error: Error) => void;
}

export interface EvaluatorPool {
  readonly threads: number;
  evaluate(canonicals: string[]): Promise<EvaluateResult>;
  seal(job: Omit<SealJob, 'kind'>): Promise<SealResult>;
  /**
   * RFC 9497 BlindEvaluateBatch with one proof, on a worker: `elements` is n × 32 bytes. Rejects with a RangeError
   * when an element is not a canonical non-identity encoding (checked before any scalar work).
   */
  blindEvaluate(elements: Uint8Array): Promise<BlindResult>;
  /** Makes a group of buckets from spilled records on a worker (see EvaluatorCore.assemble); `records` is transferred. */
  assemble(job: Omit<AssembleJob, 'kind'>): Promise<Uint8Array>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Jobs sent to this worker and not answered yet, by id. */
  pending: Map<number, Pending>;
}

function evaluateJob(canonicals: string[]): EvaluateJob {
  return { kind: 'evaluate', canonicals: canonicals.join('\n'), count: canonicals.length };
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
  if (threads === 0) {
    const core = await createEvaluatorCore(options.secretKey);
    return {
      threads: 0,
      evaluate: async (canonicals) => core.evaluate(evaluateJob(canonicals)),
      seal: async (job) => core.seal({ kind: 'seal', ...job }),
      blindEvaluate: async (elements) => core.blindEvaluate({ kind: 'blind', elements }),
      assemble: async (job) => core.assemble({ kind: 'assemble', ...job }),
      close: async () => {},
    };
  }

  const url = workerUrl();
  let nextId = 1;
  let failure: Error | null = null;
  let closing = false;

  /** A worker with its libsodium instance ready. One that dies later is replaced (a server outlives it): the
   * jobs it held fail, the next ones go to its successor. One that cannot start fails the pool. */
  function spawn(): Promise<Slot> {
    const worker = new Worker(url, { workerData: { secretKey: options.secretKey } });
    const slot: Slot = { worker, pending: new Map() };
    return new Promise<Slot>((resolve, reject) => {
      let ready = false;
      worker.on('error', (error) => {
        if (!ready) reject(error);
        else lose(slot, error);
      });
      worker.on('message', (message: { ready?: true; id?: number; result?: unknown; error?: string; errorName?: string }) => {
        if (message.ready === true) {
          ready = true;
          resolve(slot);
          return;
        }
        const entry = slot.pending.get(message.id ?? -1);
        if (entry === undefined) return;
        slot.pending.delete(message.id!);
        if (message.error === undefined) entry.resolve(message.result as never);
        else {
          const error = message.errorName === 'RangeError' ? new RangeError(message.error) : new Error(message.error);
          entry.reject(error);
        }
      });
      worker.on('exit', (code) => {
        if (!ready) reject(new Error(`evaluator worker exited with code ${code} before it was ready`));
        else lose(slot, new Error(`evaluator worker exited with code ${code}`));
      });
    });
  }

  function lose(slot: Slot, error: Error): void {
    for (const entry of slot.pending.values()) entry.reject(error);
    slot.pending.clear();
    const at = slots.indexOf(slot);
    if (closing || at === -1) return;
    slots.splice(at, 1);
    options.onWorkerLost?.(error);
    void slot.worker.terminate();
    spawn().then(
      (replacement) => (closing ? void replacement.worker.terminate() : void slots.push(replacement)),
      (spawnError: Error) => {
        failure ??= spawnError;
      },
    );
  }

  const slots: Slot[] = await Promise.all(Array.from({ length: threads }, spawn));

  function run<T>(job: EvaluateJob | SealJob | BlindJob | AssembleJob, transfer: ArrayBuffer[]): Promise<T> {
    if (failure !== null) return Promise.reject(failure);
    if (slots.length === 0) return Promise.reject(new Error('no evaluator worker is running'));
    let slot = slots[0]!;
    for (const candidate of slots) if (candidate.pending.size < slot.pending.size) slot = candidate;
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      slot.worker.postMessage({ id, job }, transfer);
    });
  }

  return {
    threads,
    evaluate: (canonicals) => run<EvaluateResult>(evaluateJob(canonicals), []),
    // The buffers are copied, not transferred: callers may still hold views on them.
    seal: (job) => run<SealResult>({ kind: 'seal', ...job }, []),
    blindEvaluate: (elements) => run<BlindResult>({ kind: 'blind', elements }, []),
    assemble: (job) => run<Uint8Array>({ kind: 'assemble', ...job }, [job.records.buffer as ArrayBuffer]),
    async close() {
      closing = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
