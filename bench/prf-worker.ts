// Baseline of the ingest benchmark: a bare libsodium OPRF evaluation loop in one thread, nothing else.

import { parentPort, workerData } from 'node:worker_threads';
import { createVoprfServer } from '../src/crypto/voprf-server.js';

const { secretKey, seconds } = workerData as { secretKey: Uint8Array; seconds: number };
const server = await createVoprfServer(new Uint8Array(secretKey));
const encoder = new TextEncoder();
const inputs = Array.from({ length: 1024 }, (_, i) => encoder.encode(`nir:1${String(900000000000 + i * 7919).padStart(12, '0')}`));
const start = performance.now();
let n = 0;
while (performance.now() - start < seconds * 1000) {
  for (let i = 0; i < 256; i++) server.evaluate(inputs[(n + i) & 1023]!);
  n += 256;
}
parentPort!.postMessage({ evaluations: n, ms: performance.now() - start });
