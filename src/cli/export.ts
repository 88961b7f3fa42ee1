// `vigie export --out DIR`: the current index as static files for any static host, CDN or object store
// (docs/static-export.md); POST /v1/evaluate stays with `vigie serve`.

import { VigieError } from '../errors.js';
import { createVoprfServer } from '../crypto/voprf-server.js';
import { exportIndex } from '../index/export.js';
import { createLookupService } from '../index/lookup-service.js';
import { loadConfig, loadKey, openStore } from './context.js';
import { println } from './io.js';
import type { Command } from './main.js';
import { createProgress, parseProgressMode } from './progress.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the current index as static files (keys, manifest, buckets) for a static host or CDN',
  usage: 'vigie export --out DIR [--bucket-base-url URL] [--progress tty|json|none] [--json]',
  options: {
    out: { type: 'string' },
    'bucket-base-url': { type: 'string' },
    progress: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const out = values['out'];
    if (typeof out !== 'string' || out === '') throw new VigieError('E_USAGE', '--out DIR is required');
    const bucketBaseUrl = typeof values['bucket-base-url'] === 'string' ? values['bucket-base-url'] : null;
    const progress = createProgress(parseProgressMode(values['progress'] as string | undefined, io), io);
    const config = loadConfig(io);
    const key = loadKey(config);
    const store = await openStore(config, { mustExist: true });
    try {
      // GET /v1/keys exactly as the server answers it: the same service builds it.
      const service = createLookupService({ store, server: await createVoprfServer(key.secretKey), keyId: key.keyId });
      const summary = await exportIndex({
        store,
        keys: await service.keys(),
        out,
        bucketBaseUrl,
        onProgress: (p) => progress.update({ phase: 'export', done: p.done, total: p.total, unit: 'buckets', elapsedMs: p.elapsedMs }),
      });
      progress.finish();
      if (values['json'] === true) {
        println(io.stdout, JSON.stringify(summary));
        return 0;
      }
      const n = new Intl.NumberFormat('en-US');
      println(
        io.stdout,
        `Index ${summary.indexId} exported to ${summary.out}: ${n.format(summary.buckets)} buckets ` +
          `(${n.format(summary.bucketsWritten)} written, ${n.format(summary.bucketsPresent)} already there), ` +
          `${n.format(summary.bytesWritten)} bytes written of ${n.format(summary.bytesTotal)}, in ${(summary.durationMs / 1000).toFixed(1)} s.`,
      );
      if (summary.bucketBaseUrl !== null) println(io.stdout, `Clients fetch the buckets at ${summary.bucketBaseUrl}/v1/indexes/${summary.indexId}/buckets/{hex}.`);
      if (summary.previousIndexId !== null && summary.previousIndexId !== summary.indexId) {
        println(io.stdout, `Kept the previous index ${summary.previousIndexId} for clients in the middle of a check.`);
      }
      if (summary.pruned.length > 0) println(io.stdout, `Removed older indexes: ${summary.pruned.join(', ')}.`);
      println(io.stdout, 'Serve the directory as docs/static-export.md says; POST /v1/evaluate stays with "vigie serve".');
      return 0;
    } finally {
      await store.close();
    }
  },
};
