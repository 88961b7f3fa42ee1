// A hang detector for fuzzing: a case stuck in a synchronous loop blocks the event loop, so no timer of the test (nor
// Vitest's own timeout) would ever fire. A worker thread watches a shared counter instead and, when one case runs past
// its bound, writes the case's description to stderr and kills the process, which fails the run with the case named.

import { Worker } from 'node:worker_threads';

export interface Watchdog {
  /** Marks the start of a case; `label` says how to replay it. */
  start(label: string): void;
  /** Marks the end of the current case. */
  done(): void;
  stop(): Promise<void>;
}

const LABEL_BYTES = 4096;

// CommonJS, as Node runs eval'd worker code. state[0]: case number, state[1]: 1 while a case runs.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Int32Array(workerData.state);
const label = new Uint8Array(workerData.label);
let seen = -1;
let since = Date.now();
setInterval(() => {
  const current = Atomics.load(state, 0);
  if (current !== seen) { seen = current; since = Date.now(); return; }
  if (Atomics.load(state, 1) !== 1 || Date.now() - since < workerData.limitMs) return;
  const end = label.indexOf(0);
  const text = Buffer.from(label.subarray(0, end < 0 ? label.length : end)).toString('utf8');
  writeSync(2, '\\nFUZZ HANG: more than ' + workerData.limitMs + ' ms in ' + text + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 100);
`;

export function startWatchdog(limitMs: number): Watchdog {
  const state = new SharedArrayBuffer(8);
  const label = new SharedArrayBuffer(LABEL_BYTES);
  const counter = new Int32Array(state);
  const text = new Uint8Array(label);
  const worker = new Worker(WORKER, { eval: true, workerData: { state, label, limitMs } });
  worker.unref();
  let n = 0;
  return {
    start(description) {
      text.fill(0);
      text.set(Buffer.from(description, 'utf8').subarray(0, LABEL_BYTES - 1));
      Atomics.store(counter, 1, 1);
      Atomics.store(counter, 0, ++n);
    },
    done() {
      Atomics.store(counter, 1, 0);
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}
