// `vigie ingest FILE... --breach ID`: stream leak files into the private index; every row indexed or rejected.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VigieError } from '../errors.js';
import { createEvaluatorPool } from '../index/evaluator-pool.js';
import { ingest, type RejectRecord } from '../index/ingest.js';
import { loadMapping } from '../source/index.js';
import { isPostgresUrl } from '../index/store.js';
import { loadConfig, loadKey, openStore } from './context.js';
import { println } from './io.js';
import type { Command } from './main.js';
import { createProgress, parseProgressMode } from './progress.js';

function csvCell(value: string): string {
  return /[",\n\r;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The reject report: file, line, column, reason and what was done; never a cell value. Mode 0600 all the same. */
function openRejectReport(path: string): { write(record: RejectRecord): void; close(): void } {
  const fd = openSync(path, 'w', 0o600);
  let buffer = 'file,line,column,reason,action\n';
  const flush = (): void => {
    writeSync(fd, buffer);
    buffer = '';
  };
  return {
    write(r) {
      buffer += `${csvCell(r.file)},${r.line},${csvCell(r.column ?? '')},${csvCell(r.reason)},${r.action}\n`;
      if (buffer.length > 1 << 16) flush();
    },
    close() {
      flush();
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'ingest leak files (CSV, TSV, XLSX) into the private index',
  usage:
    'vigie ingest FILE... ("-": standard input) --breach ID [--title T] [--mapping F] [--rejects F] [--progress tty|json|none] [--threads N] [--json]',
  options: {
    breach: { type: 'string' },
    title: { type: 'string' },
    mapping: { type: 'string' },
    rejects: { type: 'string' },
    progress: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const breachId = values['breach'];
    if (typeof breachId !== 'string') throw new VigieError('E_USAGE', '--breach ID is required');
    if (positionals.length === 0) throw new VigieError('E_USAGE', 'give at least one FILE to ingest ("-" reads standard input)');
    // Standard input can be read once: a second "-" would find it empty and count no row.
    if (positionals.filter((p) => p === '-').length > 1) throw new VigieError('E_USAGE', '"-" (standard input) can be given once');
    if (positionals.includes('-') && process.stdin.isTTY === true) {
      throw new VigieError('E_USAGE', '"-" reads standard input, which is a terminal here: pipe the file in (vigie ingest - ... < leak.csv)');
    }
    const threads = values['threads'] === undefined ? undefined : Number(values['threads']);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 0 || threads > 64)) {
      throw new VigieError('E_USAGE', '--threads expects a whole number from 0 to 64');
    }
    const progressMode = parseProgressMode(values['progress'] as string | undefined, io);
    const config = loadConfig(io);
    const key = loadKey(config);
    const mapping = typeof values['mapping'] === 'string' ? loadMapping(values['mapping']) : undefined;
    // Beside a SQLite store; in the working directory when the store is a PostgreSQL URL.
    const rejectsDir = isPostgresUrl(config.db) ? '.' : dirname(config.db);
    const rejectsPath = typeof values['rejects'] === 'string' ? values['rejects'] : join(rejectsDir, `${breachId}.rejects.csv`);

    // The report first: a path it cannot write fails before a store connection or worker threads exist.
    const report = openRejectReport(rejectsPath);
    const store = await openStore(config);
    const pool = await createEvaluatorPool({ secretKey: key.secretKey, ...(threads === undefined ? {} : { threads }) });
    const progress = createProgress(progressMode, io);
    try {
      const summary = await ingest({
        store,
        pool,
        keyId: key.keyId,
        breachId,
        files: positionals,
        ...(typeof values['title'] === 'string' ? { title: values['title'] } : {}),
        ...(mapping === undefined ? {} : { mapping }),
        onReject: (r) => report.write(r),
        onProgress: (p) =>
          progress.update({
            phase: { reading: 'ingest', merging: 'merging', building: 'building index', done: 'done' }[p.phase],
            done: p.rowsRead,
            total: null,
            bytes: { read: p.bytesRead, total: p.bytesTotal },
            unit: 'rows',
            elapsedMs: p.elapsedMs,
            extra: { evaluations: p.evaluations },
          }),
      });
      progress.finish();
      const rowsPerSecond = Math.round((summary.rowsRead / summary.durationMs) * 1000);
      if (values['json'] === true) {
        const { manifest, ...rest } = summary;
        println(
          io.stdout,
          JSON.stringify({
            ...rest,
            bucketBits: manifest.bucketBits,
            entriesPerBucket: manifest.entriesPerBucket,
            entrySize: manifest.entrySize,
            rejectsFile: rejectsPath,
            rowsPerSecond,
          }),
        );
      } else {
        const n = new Intl.NumberFormat('en-US');
        println(io.stdout, `Breach ${summary.breachId}: ${n.format(summary.rowsRead)} rows read = ${n.format(summary.rowsIndexed)} indexed + ${n.format(summary.rowsRejected)} rejected.`);
        println(io.stdout, `Persons: ${n.format(summary.persons)}. Distinct identifiers: ${Object.entries(summary.identifiers).map(([t, c]) => `${t} ${n.format(c)}`).join(', ')}.`);
        if (summary.nirKeyMissing + summary.nirKeyWrong > 0) {
          println(io.stdout, `NIRs indexed by their 13-character body: ${n.format(summary.nirKeyMissing)} without a key, ${n.format(summary.nirKeyWrong)} with a wrong key.`);
        }
        for (const column of summary.unmappedColumns) println(io.stdout, `Unmapped column (counted in fill rates, no category; map it with --mapping): ${column}`);
        println(io.stdout, `Rejects and field issues: ${rejectsPath}. Index ${summary.indexId} published (${n.format(summary.manifest.entriesPerBucket)} entries × ${summary.manifest.entrySize} bytes per bucket, ${2 ** summary.manifest.bucketBits} buckets).`);
        println(io.stdout, `${n.format(rowsPerSecond)} rows/s, ${(summary.durationMs / 1000).toFixed(1)} s.`);
      }
      return 0;
    } finally {
      report.close();
      await pool.close();
      await store.close();
    }
  },
};
