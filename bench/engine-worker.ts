// Baseline of the HTTP benchmark: the engine `vigie serve` uses (the lookup service: b64u decoding, element checks,
// libsodium blind evaluation with one DLEQ proof) in a tight loop in one thread, for a given time.

import { parentPort, workerData } from 'node:worker_threads';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import { createLookupService } from '../src/index/lookup-service.js';

const { secretKey, blinded, seconds } = workerData as { secretKey: Uint8Array; blinded: string; seconds: number };
const engine = createLookupService({ store: {} as never, server: await createVoprfServer(new Uint8Array(secretKey)), keyId: 'bench' });
const request = { keyId: 'bench', blinded: [blinded] };
for (let i = 0; i < 200; i++) await engine.evaluate(request); // warm-up
const start = performance.now();
let n = 0;
while (performance.now() - start < seconds * 1000) {
  for (let i = 0; i < 50; i++) await engine.evaluate(request);
  n += 50;
}
parentPort!.postMessage({ evaluations: n, ms: performance.now() - start });
