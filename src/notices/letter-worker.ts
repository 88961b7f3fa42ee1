// A worker thread that prints batches of letters (letter-pdf.ts): one PDF per message, fonts and layout reused.

import { parentPort, workerData } from 'node:worker_threads';
import type { LetterCampaign } from './letter-pool.js';
import { LetterPrinter, type LetterData } from './letter-pdf.js';
import { letterTexts } from './letter-text.js';

const campaign = workerData as LetterCampaign;
const breach = campaign.config.breaches.find((b) => b.id === campaign.breachId)!;
const printer = new LetterPrinter(letterTexts(campaign.config, breach, campaign.lang, campaign.issuedAt), campaign.config);

parentPort!.on('message', (message: { id: number; path: string; letters: LetterData[]; title: string }) => {
  printer.writeBatch(message.path, message.letters, message.title).then(
    () => parentPort!.postMessage({ id: message.id }),
    (error: unknown) => parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
parentPort!.postMessage({ ready: true });
