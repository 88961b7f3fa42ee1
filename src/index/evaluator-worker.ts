// Worker thread body of the evaluator pool: one libsodium VOPRF instance per thread, jobs in, results out.

import { parentPort, workerData } from 'node:worker_threads';
import { createEvaluatorCore, type AssembleJob, type BlindJob, type EvaluateJob, type SealJob } from './evaluator-core.js';

interface Envelope {
  id: number;
  job: EvaluateJob | SealJob | BlindJob | AssembleJob;
}

const port = parentPort;
if (port === null) throw new Error('evaluator-worker must run in a worker thread');

const core = await createEvaluatorCore(new Uint8Array((workerData as { secretKey: Uint8Array }).secretKey));
port.on('message', ({ id, job }: Envelope) => {
  try {
    if (job.kind === 'evaluate') {
      const result = core.evaluate(job);
      port.postMessage({ id, result }, [result.ys.buffer as ArrayBuffer, result.maskedPrefixes.buffer as ArrayBuffer]);
    } else if (job.kind === 'seal') {
      const result = core.seal(job);
      port.postMessage({ id, result }, [result.buckets.buffer as ArrayBuffer, result.entries.buffer as ArrayBuffer]);
    } else if (job.kind === 'assemble') {
      const result = core.assemble(job);
      port.postMessage({ id, result }, [result.buffer as ArrayBuffer]);
    } else {
      const result = core.blindEvaluate(job);
      port.postMessage({ id, result }, [result.evaluated.buffer as ArrayBuffer, result.proof.buffer as ArrayBuffer]);
    }
  } catch (error) {
    // The error's class travels too: a RangeError (an invalid element) is the client's fault, anything else ours.
    const name = error instanceof Error ? error.name : 'Error';
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error), errorName: name });
  }
});
port.postMessage({ ready: true });
