// Soak of the lookup API (issue 8, item 6): `vigie serve`'s app in a child process on loopback, rate limit off.
// First the maximum evaluate throughput, briefly, with autocannon; then a fixed rate of 80% of it for 10 minutes,
// open loop (requests leave on schedule whatever the answers do, latency counted from the scheduled time, so a
// stall shows as the queue it causes). Every 30 s: p50/p99 latency, errors, non-2xx answers, and the server's RSS,
// heap and CPU. Prints the table and writes bench/out/soak.json and bench/out/soak.md for docs/benchmarks.md.
// Not in CI: it takes the machine for the whole run.
//
//   npm run soak -- [--minutes 10] [--fraction 0.8] [--window 30] [--probe-seconds 10] [--connections 8] [--members 2000]

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { b64uEncode } from '../src/crypto/encoding.js';
import { blind } from '../src/crypto/voprf-client.js';
import { createApp } from '../src/server/app.js';
import { createServerLogger } from '../src/server/logging.js';
import { createFixture } from '../src/server/test-fixture.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    fraction: { type: 'string', default: '0.8' },
    window: { type: 'string', default: '30' },
    'probe-seconds': { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    members: { type: 'string', default: '2000' },
    child: { type: 'boolean', default: false },
  },
});

const HOST = '127.0.0.1'; // loopback only: this load never leaves the machine

interface Sample {
  rss: number;
  heapUsed: number;
  /** CPU microseconds (user + system) used so far. */
  cpu: number;
}

/** The server: a fixture index, the app with logs to /dev/null, answering samples of its memory and CPU over IPC. */
async function runChild(): Promise<void> {
  const fixture = await createFixture({ count: Number(values.members) });
  const { logger } = createServerLogger({ dest: '/dev/null' });
  const app = createApp({ service: fixture.service, store: fixture.store, logger, rateLimit: null });
  await app.listen({ host: HOST, port: 0 });
  process.on('message', () => {
    const { rss, heapUsed } = process.memoryUsage();
    const { user, system } = process.cpuUsage();
    process.send?.({ rss, heapUsed, cpu: user + system } satisfies Sample);
  });
  const stop = () =>
    void app.close().then(() => {
      fixture.cleanup();
      process.exit(0);
    });
  process.on('SIGTERM', stop);
  process.on('disconnect', stop); // the parent is gone: never outlive it
  console.log(JSON.stringify({ port: (app.server.address() as { port: number }).port, keyId: fixture.key.keyId }));
}

async function startChild(): Promise<{ child: ChildProcess; port: number; keyId: string }> {
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--child', '--members', values.members!], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return { child, ...(JSON.parse(line) as { port: number; keyId: string }) };
}

function sample(child: ChildProcess): Promise<Sample> {
  return new Promise((resolveSample) => {
    child.once('message', (s: Sample) => resolveSample(s));
    child.send('sample');
  });
}

interface Window {
  /** Seconds since the start of the fixed-rate phase, at the end of the window. */
  at: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  rssMiB: number;
  heapMiB: number;
  /** Server CPU over the window, in cores (1.0 = one core busy). */
  cpuCores: number;
  /** This process's CPU (the load generator) over the window: near a core, it is the bottleneck, not the server. */
  clientCores: number;
}

const quantile = (sorted: number[], q: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
const round = (x: number, digits = 2): number => +x.toFixed(digits);

/**
 * `rate` requests a second for `seconds`, on a fixed schedule, reporting a Window every `windowSeconds`. A request
 * belongs to the window it was scheduled in; a window is closed once every request scheduled in it has settled.
 */
/** Errors of the fixed-rate phase by code (ECONNRESET, a timeout...), for the summary. */
const errorCodes: Record<string, number> = {};

async function fixedRate(port: number, body: string, rate: number, seconds: number, windowSeconds: number, child: ChildProcess): Promise<Window[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.floor(rate * seconds);
  const perWindow = Math.round(rate * windowSeconds);
  const windows: Window[] = [];
  let latencies: number[] = [];
  let counts = { ok: 0, non2xx: 0, errors: 0 };
  let settled: Promise<void>[] = [];
  let before = await sample(child);
  let beforeClient = process.cpuUsage();
  let beforeMs = performance.now();
  const start = performance.now() + 100;

  /** One request; an error if it fails or has no answer 10 s after its scheduled time (queued ones included). */
  const one = (scheduled: number): Promise<void> =>
    new Promise<void>((done) => {
      const bucket = { latencies, counts }; // the window this request was scheduled in
      let settled = false;
      const settle = (outcome: 'ok' | 'non2xx' | 'errors', code = '') => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        bucket.counts[outcome]++;
        if (outcome === 'errors') errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        if (outcome !== 'errors') bucket.latencies.push(performance.now() - scheduled);
        done();
      };
      const req = httpRequest(
        { agent, host: HOST, port, path: '/v1/evaluate', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => settle(res.statusCode === 200 ? 'ok' : 'non2xx'));
        },
      );
      const deadline = setTimeout(() => {
        settle('errors', 'no answer in 10 s');
        req.destroy();
      }, 10_000);
      req.on('error', (error: NodeJS.ErrnoException) => settle('errors', error.code ?? error.message));
      req.end(body);
    });

  for (let i = 0; i < total; i++) {
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    settled.push(one(scheduled));
    if ((i + 1) % perWindow === 0 || i + 1 === total) {
      const closing = { latencies, counts, settled, sent: settled.length };
      latencies = [];
      counts = { ok: 0, non2xx: 0, errors: 0 };
      settled = [];
      // Close the window without stopping the schedule: its requests settle while the next window's leave.
      const at = (i + 1) / rate;
      const report = Promise.all(closing.settled).then(async () => {
        const now = await sample(child);
        const client = process.cpuUsage(beforeClient);
        const nowMs = performance.now();
        const sorted = closing.latencies.sort((a, b) => a - b);
        const window: Window = {
          at: round(at, 0),
          sent: closing.sent,
          ...closing.counts,
          p50: round(quantile(sorted, 0.5)),
          p99: round(quantile(sorted, 0.99)),
          max: round(sorted[sorted.length - 1] ?? NaN),
          rssMiB: round(now.rss / 2 ** 20, 1),
          heapMiB: round(now.heapUsed / 2 ** 20, 1),
          cpuCores: round((now.cpu - before.cpu) / 1000 / (nowMs - beforeMs)),
          clientCores: round((client.user + client.system) / 1000 / (nowMs - beforeMs)),
        };
        before = now;
        beforeClient = process.cpuUsage();
        beforeMs = nowMs;
        windows.push(window);
        console.log(row(window));
      });
      void report;
    }
  }
  // Wait for the last windows to report.
  while (windows.length < Math.ceil(total / perWindow)) await new Promise((r) => setTimeout(r, 50));
  agent.destroy();
  return windows.sort((a, b) => a.at - b.at);
}

const HEADER = '| t (s) | sent | 2xx | non-2xx | errors | p50 (ms) | p99 (ms) | max (ms) | RSS (MiB) | heap (MiB) | server CPU (cores) | load generator CPU (cores) |';
const RULE = '|---|---|---|---|---|---|---|---|---|---|---|---|';
const row = (w: Window): string =>
  `| ${w.at} | ${w.sent} | ${w.ok} | ${w.non2xx} | ${w.errors} | ${w.p50} | ${w.p99} | ${w.max} | ${w.rssMiB} | ${w.heapMiB} | ${w.cpuCores} | ${w.clientCores} |`;

async function main(): Promise<void> {
  const minutes = Number(values.minutes);
  const fraction = Number(values.fraction);
  const windowSeconds = Number(values.window);
  if (!(minutes > 0) || !(fraction > 0 && fraction <= 1) || !(windowSeconds >= 1)) throw new Error('--minutes > 0, --fraction in (0, 1], --window >= 1');
  const server = await startChild();
  try {
    const body = JSON.stringify({ keyId: server.keyId, blinded: [b64uEncode(blind(new TextEncoder().encode('nir:2550814168025')).blindedElement)] });
    const request = { url: `http://${HOST}:${server.port}/v1/evaluate`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body };
    const connections = Number(values.connections);
    await autocannon({ ...request, connections, duration: 3 }); // warm-up: JIT, libsodium
    const probe = await autocannon({ ...request, connections, duration: Number(values['probe-seconds']) });
    const max = probe.requests.average;
    const rate = Math.max(1, Math.floor(max * fraction));
    console.log(`maximum: ${Math.round(max)} evaluations/s (autocannon, ${connections} connections, ${values['probe-seconds']} s; ${probe.non2xx} non-2xx, ${probe.errors} errors)`);
    console.log(`soak: ${rate}/s (${fraction} of it) for ${minutes} min, open loop, a row every ${windowSeconds} s\n`);
    console.log(HEADER);
    console.log(RULE);
    const startRss = (await sample(server.child)).rss;
    const windows = await fixedRate(server.port, body, rate, minutes * 60, windowSeconds, server.child);

    const all = {
      sent: windows.reduce((n, w) => n + w.sent, 0),
      non2xx: windows.reduce((n, w) => n + w.non2xx, 0),
      errors: windows.reduce((n, w) => n + w.errors, 0),
      worstP99: Math.max(...windows.map((w) => w.p99)),
      medianP99: [...windows.map((w) => w.p99)].sort((a, b) => a - b)[windows.length >> 1]!,
      rssStartMiB: round(startRss / 2 ** 20, 1),
      rssEndMiB: windows[windows.length - 1]!.rssMiB,
      rssMaxMiB: Math.max(...windows.map((w) => w.rssMiB)),
    };
    const machine = `${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, node ${process.version}`;
    const codes = Object.entries(errorCodes).map(([code, n]) => `${n} ${code}`).join(', ');
    const summary =
      `${all.sent} evaluations at ${rate}/s over ${minutes} min: ${all.non2xx} non-2xx, ${all.errors} errors${codes === '' ? '' : ` (${codes})`}; ` +
      `p99 per ${windowSeconds} s median ${all.medianP99} ms, worst ${all.worstP99} ms; ` +
      `server RSS ${all.rssStartMiB} MiB before, ${all.rssEndMiB} MiB at the end, ${all.rssMaxMiB} MiB at most`;
    console.log(`\n${summary}`);

    const out = resolve('bench/out');
    mkdirSync(out, { recursive: true });
    const report = { machine, date: new Date().toISOString(), maxPerSecond: Math.round(max), fraction, rate, minutes, windowSeconds, members: Number(values.members), windows, summary: all };
    writeFileSync(join(out, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(
      join(out, 'soak.md'),
      [
        `Soak of ${report.date.slice(0, 16).replace('T', ' ')}, ${machine}, \`npm run soak -- --minutes ${minutes}\`: maximum ${report.maxPerSecond} evaluations/s, then ${rate}/s (${fraction} of it), open loop.`,
        '',
        HEADER,
        RULE,
        ...windows.map(row),
        '',
        summary,
        '',
      ].join('\n'),
    );
    console.log(`written: ${join(out, 'soak.json')}, ${join(out, 'soak.md')}`);
  } finally {
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM'); // the child this run started, by its handle
    await exited;
  }
}

if (values.child) await runChild();
else await main();
