// `vigie notices generate|send|status|publish` (GDPR art. 34): individual notices by letter and e-mail, each exactly once.

import { loadControllerConfig } from '../controller/config.js';
import { VigieError } from '../errors.js';
import { generateNotices, lastNoticeRun } from '../notices/generate.js';
import { noticeFigures } from '../notices/figures.js';
import { outboxUnconfirmedIds } from '../notices/outbox.js';
import { createSmtpTransport, sendNotices } from '../notices/send.js';
import { loadMapping } from '../source/index.js';
import { SqliteStore } from '../index/sqlite-store.js';
import { loadConfig, loadKey, openSqliteStore, openStore } from './context.js';
import { println } from './io.js';
import type { Command } from './main.js';
import { createProgress, parseProgressMode } from './progress.js';

const n = new Intl.NumberFormat('en-US');

function requireString(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new VigieError('E_USAGE', `${flag} is required`);
  return value;
}

function wholeNumber(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new VigieError('E_USAGE', `${flag} expects a whole number from ${min} to ${max}`);
  return number;
}

export const noticesGenerateCommand: Command = {
  name: 'notices generate',
  summary: 'one notice per person: sealed notices, the e-mail outbox, and print-ready letters (personal data!)',
  usage:
    'vigie notices generate --breach ID --source FILE [--mapping F] --controller FILE --out DIR [--threads N] [--progress tty|json|none] [--json]',
  options: {
    breach: { type: 'string' },
    source: { type: 'string' },
    mapping: { type: 'string' },
    controller: { type: 'string' },
    out: { type: 'string' },
    threads: { type: 'string' },
    progress: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const breachId = requireString(values['breach'], '--breach ID');
    const source = requireString(values['source'], '--source FILE');
    const controllerPath = requireString(values['controller'], '--controller FILE');
    const outDir = requireString(values['out'], '--out DIR');
    const threads = wholeNumber(values['threads'], '--threads', 0, 16);
    const progressMode = parseProgressMode(values['progress'] as string | undefined, io);
    const controller = loadControllerConfig(controllerPath);
    const mapping = typeof values['mapping'] === 'string' ? loadMapping(values['mapping']) : undefined;
    const env = loadConfig(io);
    const key = loadKey(env);
    const store = openSqliteStore(env, { mustExist: true, command: 'vigie notices' });
    const progress = createProgress(progressMode, io);
    try {
      const summary = await generateNotices({
        store,
        secretKey: key.secretKey,
        breachId,
        source,
        config: controller,
        outDir,
        ...(mapping === undefined ? {} : { mapping }),
        ...(threads === undefined ? {} : { threads }),
        onProgress: (p) =>
          progress.update({
            phase: p.phase === 'reading' ? 'reading the file' : p.phase === 'sealing' ? 'sealing notices' : p.phase === 'letters' ? 'printing letters' : 'done',
            done: p.done,
            total: p.total,
            ...(p.bytes === undefined ? {} : { bytes: p.bytes }),
            unit: p.phase === 'reading' ? 'rows' : p.phase === 'sealing' ? 'notices' : 'letters',
            elapsedMs: p.elapsedMs,
          }),
      });
      progress.finish();
      if (values['json'] === true) {
        println(io.stdout, JSON.stringify({ ...summary, personalData: true }));
      } else {
        println(io.stdout, `Breach ${breachId}: ${n.format(summary.rowsRead)} rows read, ${n.format(summary.persons)} persons, ${n.format(summary.notices)} notices sealed in the store.`);
        println(io.stdout, `Letters: ${n.format(summary.letters)} in ${summary.batches} PDF batch(es) (${n.format(summary.lettersPerSecond)} letters/s); without a usable postal address: ${n.format(summary.withoutPostalAddress)}.`);
        println(io.stdout, `E-mails waiting in the outbox: ${n.format(summary.emails)} address(es) for ${n.format(summary.personsWithEmail)} person(s); send them with "vigie notices send --breach ${breachId} --smtp URL".`);
        if (summary.replacedNotices > 0) println(io.stdout, `The ${n.format(summary.replacedNotices)} notices of the previous run were replaced: their codes no longer open anything.`);
        if (!summary.sourceIngested) {
          println(io.stdout, `Warning: ${source} is not a file breach ${breachId} was ingested from (its SHA-256 differs): the notices may not match what the portal answers. Ingest this file, or generate from the ingested one.`);
        }
        if (summary.rowsSkipped > 0) println(io.stdout, `${n.format(summary.rowsSkipped)} row(s) without any identifier were skipped (the ingest rejected them too).`);
      }
      // Always said, also with --json (on stderr then): the files are the most sensitive output of Vigie.
      println(
        values['json'] === true ? io.stderr : io.stdout,
        `PERSONAL DATA: ${outDir} (mode 0700, files 0600) holds names, postal addresses and notice codes. Hand it to the print shop over a secure channel, keep no copy, and delete it once the letters are posted.`,
      );
      return 0;
    } finally {
      store.close();
    }
  },
};

/** What to do about messages counted sent without the server's reply (docs/notices.md, "Exactly once"). */
function unconfirmedAdvice(count: number): string {
  return (
    `${n.format(count)} message(s) reached the server in full, but its reply was never seen (a crash or a lost connection): ` +
    'they are counted sent and not sent again. Look their Message-IDs up in the relay’s log; if it has none of them, rerun with --retry-unconfirmed.'
  );
}

export const noticesSendCommand: Command = {
  name: 'notices send',
  summary: 'send the notice e-mails of a breach from the outbox (each address once; rerun to resume)',
  usage:
    'vigie notices send --breach ID --smtp URL [--from ADDR] [--rate N] [--controller FILE] [--connections N] [--max-attempts N] [--backoff MS] [--retry-failed] [--retry-unconfirmed] [--progress tty|json|none] [--json]',
  options: {
    breach: { type: 'string' },
    smtp: { type: 'string' },
    from: { type: 'string' },
    controller: { type: 'string' },
    rate: { type: 'string' },
    connections: { type: 'string' },
    'max-attempts': { type: 'string' },
    backoff: { type: 'string' },
    'retry-failed': { type: 'boolean' },
    'retry-unconfirmed': { type: 'boolean' },
    progress: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const breachId = requireString(values['breach'], '--breach ID');
    const smtp = requireString(values['smtp'], '--smtp URL');
    const rate = wholeNumber(values['rate'], '--rate', 1, 100_000);
    const connections = wholeNumber(values['connections'], '--connections', 1, 50) ?? 5;
    const maxAttempts = wholeNumber(values['max-attempts'], '--max-attempts', 1, 50);
    const backoff = wholeNumber(values['backoff'], '--backoff', 1, 3_600_000);
    const progressMode = parseProgressMode(values['progress'] as string | undefined, io);
    const transport = createSmtpTransport(smtp, connections);
    const env = loadConfig(io);
    const key = loadKey(env);
    const store = openSqliteStore(env, { mustExist: true, command: 'vigie notices' });
    // The e-mails are worded with the configuration `generate` used (kept in the store), unless --controller is given.
    const controller =
      typeof values['controller'] === 'string' ? loadControllerConfig(values['controller']) : (lastNoticeRun(store, breachId)?.controller ?? null);
    if (controller === null) {
      store.close();
      transport.close();
      throw new VigieError('E_USAGE', `no controller configuration kept for breach ${breachId}: give --controller FILE (or run "vigie notices generate" first)`);
    }
    const from = typeof values['from'] === 'string' ? values['from'] : controller.letter?.emailFrom;
    if (from === undefined) {
      store.close();
      transport.close();
      throw new VigieError('E_USAGE', '--from ADDR is required (or set "letter.emailFrom" in controller.json)');
    }
    const progress = createProgress(progressMode, io);
    let onSignal: () => void = () => {};
    const stop = new Promise<void>((resolve) => (onSignal = resolve));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const summary = await sendNotices({
        store,
        secretKey: key.secretKey,
        breachId,
        config: controller,
        transport,
        from,
        concurrency: connections,
        stop,
        retryFailed: values['retry-failed'] === true,
        retryUnconfirmed: values['retry-unconfirmed'] === true,
        ...(rate === undefined ? {} : { rate }),
        ...(maxAttempts === undefined ? {} : { maxAttempts }),
        ...(backoff === undefined ? {} : { backoffBaseMs: backoff }),
        onProgress: (p) =>
          progress.update({ phase: 'sending e-mails', done: p.done, total: p.total, unit: 'messages', elapsedMs: p.elapsedMs, extra: { ...p.counts } }),
      });
      progress.finish();
      if (values['json'] === true) println(io.stdout, JSON.stringify(summary));
      else {
        const c = summary.counts;
        if (summary.recovered > 0) println(io.stdout, `${summary.recovered} message(s) interrupted by an earlier crash before their end of data were sent again with their Message-ID.`);
        if (summary.recoveredUnconfirmed > 0) {
          println(io.stdout, `${summary.recoveredUnconfirmed} message(s) interrupted by an earlier crash after their end of data reached the server are counted sent, not sent again.`);
        }
        println(io.stdout, `Breach ${breachId}: ${n.format(summary.sentNow)} e-mail(s) sent now (${n.format(summary.perSecond)}/s). Outbox: ${n.format(c.sent)} sent, ${n.format(c.bounced)} bounced, ${n.format(c.failed)} failed, ${n.format(c.pending + c.sending)} left.`);
        if (summary.stopped) println(io.stdout, 'Stopped on request: run the same command again to send the rest.');
        if (c.failed > 0) println(io.stdout, 'Failed messages gave up after repeated temporary errors: fix the relay, then rerun with --retry-failed.');
        if (summary.unconfirmed > 0) println(io.stdout, unconfirmedAdvice(summary.unconfirmed));
      }
      return summary.counts.pending + summary.counts.sending > 0 ? 3 : 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      transport.close();
      store.close();
    }
  },
};

export const noticesStatusCommand: Command = {
  name: 'notices status',
  summary: 'counts of a breach’s notices: by channel and state, and opened on the portal',
  usage: 'vigie notices status --breach ID [--json]',
  options: { breach: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const breachId = requireString(values['breach'], '--breach ID');
    const env = loadConfig(io);
    const store = openSqliteStore(env, { mustExist: true, command: 'vigie notices' });
    try {
      if (store.breach(breachId) === null) throw new VigieError('E_BREACH', `breach ${breachId} is not in the store`);
      const figures = noticeFigures(store, breachId);
      const { letters, email } = figures;
      const unconfirmedIds = outboxUnconfirmedIds(store.db, breachId);
      const status = {
        breachId,
        notices: figures.notices,
        openedOnPortal: figures.openedOnPortal,
        letters,
        email,
        emailUnconfirmed: figures.emailUnconfirmed,
        emailUnconfirmedMessageIds: unconfirmedIds,
      };
      if (values['json'] === true) println(io.stdout, JSON.stringify(status));
      else {
        println(io.stdout, `Breach ${breachId}: ${n.format(figures.notices)} notices; ${n.format(figures.openedOnPortal)} opened on the portal (counted by notice id only).`);
        const unconfirmed = figures.emailUnconfirmed > 0 ? ` (${n.format(figures.emailUnconfirmed)} without the server's reply)` : '';
        println(io.stdout, `E-mail: ${n.format(email.sent)} sent${unconfirmed}, ${n.format(email.bounced)} bounced, ${n.format(email.failed)} failed, ${n.format(email.pending)} pending, ${n.format(email.sending)} in flight or interrupted.`);
        if (figures.emailUnconfirmed > 0) {
          println(io.stdout, unconfirmedAdvice(figures.emailUnconfirmed));
          for (const id of unconfirmedIds) println(io.stdout, `  ${id}`);
        }
        if (letters === null) println(io.stdout, `Letters: none generated yet ("vigie notices generate --breach ${breachId} ...").`);
        else println(io.stdout, `Letters: ${n.format(letters.printed)} printed on ${letters.generatedAt.slice(0, 10)} (posting is not tracked); ${n.format(letters.withoutPostalAddress)} person(s) without a postal address, listed for the controller.`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};

export const noticesPublishCommand: Command = {
  name: 'notices publish',
  summary: 'copy a breach’s sealed notices from the SQLite store of its campaign into the serving store (PostgreSQL)',
  usage: 'vigie notices publish --breach ID --from SQLITE_FILE [--json]',
  options: { breach: { type: 'string' }, from: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const breachId = requireString(values['breach'], '--breach ID');
    const from = requireString(values['from'], '--from SQLITE_FILE');
    const env = loadConfig(io);
    // The campaign (outbox, letters) runs on a SQLite store; the replicas serve notices from the shared store. Only
    // sealed notices cross: each opens with its letter code alone, which neither store holds (DESIGN §5).
    const campaign = openSqliteStore({ ...env, db: from }, { mustExist: true, command: 'the --from store' });
    try {
      if (campaign.breach(breachId) === null) throw new VigieError('E_BREACH', `breach ${breachId} is not in ${from}`);
      const target = await openStore(env, { mustExist: true });
      try {
        if (target instanceof SqliteStore && target.path === campaign.path) throw new VigieError('E_USAGE', '--from names the store VIGIE_DB already is');
        if ((await target.breach(breachId)) === null) {
          throw new VigieError('E_BREACH', `breach ${breachId} is not in ${target.location}: ingest it there first (with the same key)`);
        }
        const campaignKey = campaign.getMeta('key_id');
        const targetKey = await target.getMeta('key_id');
        if (campaignKey !== targetKey) throw new VigieError('E_KEY_FILE', `${from} was built with key ${campaignKey}, ${target.location} with key ${targetKey}`);
        const count = await target.replaceNotices(breachId, campaign.sealedNotices(breachId));
        if (values['json'] === true) println(io.stdout, JSON.stringify({ breachId, published: count }));
        else println(io.stdout, `Breach ${breachId}: ${n.format(count)} sealed notices published to ${target.location} (the portal's "opened" counts start again).`);
        return 0;
      } finally {
        await target.close();
      }
    } finally {
      campaign.close();
    }
  },
};
