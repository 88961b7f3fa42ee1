// Prints batches of letters on worker threads (one per core by default): PDF writing is CPU-bound and pdfkit is
// single-threaded. With `threads: 0` the same printer runs inline (tests, small campaigns).

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ControllerConfig, Lang } from '../controller/types.js';
import { LetterPrinter, type LetterData } from './letter-pdf.js';
import { letterTexts } from './letter-text.js';

export interface LetterCampaign {
  config: ControllerConfig;
  breachId: string;
  lang: Lang;
  /** yyyy-mm-dd printed as the letter's date. */
  issuedAt: string;
}

export interface LetterPool {
  readonly threads: number;
  /** Writes one PDF; resolves when the file is complete on disk. */
  print(path: string, letters: LetterData[], title: string): Promise<void>;
  close(): Promise<void>;
}

/** The compiled worker: beside this file in dist/, or dist/'s copy when this module runs from TypeScript (vitest). */
function workerUrl(): URL {
  const here = new URL('./letter-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const compiled = fileURLToPath(here).replace(/([\\/])src([\\/])notices([\\/])letter-worker\.js$/, '$1dist$1src$2notices$3letter-worker.js');
  if (!existsSync(compiled)) throw new Error(`letter worker not built: run "npm run build" (looked for ${compiled})`);
  return pathToFileURL(compiled);
}

export async function createLetterPool(campaign: LetterCampaign, options: { threads?: number } = {}): Promise<LetterPool> {
  const threads = options.threads ?? Math.min(2, availableParallelism());
  if (threads === 0) {
    const breach = campaign.config.breaches.find((b) => b.id === campaign.breachId)!;
    const printer = new LetterPrinter(letterTexts(campaign.config, breach, campaign.lang, campaign.issuedAt), campaign.config);
    return { threads: 0, print: (path, letters, title) => printer.writeBatch(path, letters, title), close: async () => {} };
  }
  const url = workerUrl();
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void; worker: Worker }>();
  const load = new Map<Worker, number>();
  let nextId = 1;
  let failure: Error | null = null;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };
  const workers = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<Worker>((resolve, reject) => {
          const worker = new Worker(url, { workerData: campaign });
          worker.once('error', reject);
          worker.on('message', (message: { ready?: true; id?: number; error?: string }) => {
            if (message.ready === true) {
              worker.off('error', reject);
              worker.on('error', fail);
              load.set(worker, 0);
              resolve(worker);
              return;
            }
            const entry = pending.get(message.id ?? -1);
            if (entry === undefined) return;
            pending.delete(message.id!);
            load.set(worker, (load.get(worker) ?? 1) - 1);
            if (message.error !== undefined) entry.reject(new Error(`letter batch failed: ${message.error}`));
            else entry.resolve();
          });
          worker.on('exit', (code) => {
            if (code !== 0) fail(new Error(`letter worker exited with code ${code}`));
          });
        }),
    ),
  );
  return {
    threads,
    print(path, letters, title) {
      if (failure !== null) return Promise.reject(failure);
      let worker = workers[0]!;
      for (const candidate of workers) if (load.get(candidate)! < load.get(worker)!) worker = candidate;
      load.set(worker, load.get(worker)! + 1);
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject, worker });
        worker.postMessage({ id, path, letters, title });
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
