// Lookup API benchmark (issue 3, "Performance"): autocannon on loopback against `vigie serve`'s app in a child
// process, compared in the same run with (a) the same evaluation engine in a tight loop on as many threads as the
// server has evaluation threads (`--eval-threads`, default 1), (b) @cloudflare/voprf-ts's VOPRFServer in-process,
// (c) a bare node:http server returning the same bucket bytes. Engine and HTTP runs alternate, and bucket runs
// alternate with the bare server's, so machine drift cancels in the per-round ratios.
//
//   npm run build && node dist/bench/http.js [--duration 10] [--connections 8] [--members 2000] [--rounds 3] [--eval-threads 1]

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { EvaluationRequest, Oprf, VOPRFServer } from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';
import autocannon from 'autocannon';
import { b64uEncode } from '../src/crypto/encoding.js';
import { blind } from '../src/crypto/voprf-client.js';
import { createVoprfServer, generateSecretKey } from '../src/crypto/voprf-server.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { createLookupService } from '../src/index/lookup-service.js';
import { bucketHexOf } from '../src/lookup/client.js';
import { createApp } from '../src/server/app.js';
import { createServerLogger } from '../src/server/logging.js';
import { createFixture } from '../src/server/test-fixture.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    members: { type: 'string', default: '2000' },
    'baseline-seconds': { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    // The server's blind-evaluation worker threads, and the engine baseline's threads: the same number.
    'eval-threads': { type: 'string', default: '1' },
    child: { type: 'string' },
    file: { type: 'string' },
  },
});

const HOST = '127.0.0.1'; // loopback only
const INPUT = new TextEncoder().encode('nir:2550814168025');

/** A child server: prints one JSON line with its port (and what the parent needs), then serves until killed. */
async function runChild(kind: string): Promise<void> {
  // The parent asks for our CPU time around each run: CPU per request is what a dedicated core would turn into
  // throughput, and unlike requests per second it hardly moves when other processes share the machine.
  process.on('message', () => process.send?.(process.cpuUsage()));
  if (kind === 'bare') {
    const body = readFileSync(values.file!);
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    });
    server.listen(0, HOST, () => console.log(JSON.stringify({ port: (server.address() as { port: number }).port })));
    return;
  }
  const fixture = await createFixture({ count: Number(values.members) });
  const hex = await bucketHexOf(fixture.members[0]!, fixture.manifest.bucketBits);
  // Production logs every request: keep the cost, send the lines nowhere.
  const { logger } = createServerLogger({ dest: '/dev/null' });
  // As `vigie serve` does: blind evaluations on worker threads (0: on the event loop).
  const threads = Number(values['eval-threads']);
  const pool = threads > 0 ? await createEvaluatorPool({ secretKey: fixture.key.secretKey, threads }) : null;
  const service =
    pool === null
      ? fixture.service
      : createLookupService({ store: fixture.store, server: await createVoprfServer(fixture.key.secretKey), keyId: fixture.key.keyId, evaluator: pool });
  const app = createApp({ service, store: fixture.store, logger, rateLimit: null });
  await app.listen({ host: HOST, port: 0 });
  const port = (app.server.address() as { port: number }).port;
  console.log(JSON.stringify({ port, keyId: fixture.key.keyId, bucketPath: `/v1/indexes/${fixture.manifest.indexId}/buckets/${hex}` }));
  process.on('SIGTERM', () => {
    void app.close().then(async () => {
      await pool?.close();
      fixture.cleanup();
      process.exit(0);
    });
  });
}

interface ChildInfo {
  child: ChildProcess;
  port: number;
  keyId?: string;
  bucketPath?: string;
}

async function startChild(kind: string, extra: string[] = []): Promise<ChildInfo> {
  const child = spawn(
    process.execPath,
    [new URL(import.meta.url).pathname, '--child', kind, '--members', values.members!, '--eval-threads', values['eval-threads']!, ...extra],
    {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const line = await new Promise<string>((resolveLine, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolveLine(l));
    child.once('exit', (code) => reject(new Error(`${kind} child exited with ${code}`)));
  });
  return { child, ...(JSON.parse(line) as Omit<ChildInfo, 'child'>) };
}

/** CPU microseconds (user + system) the child has used so far. */
function cpuOf(info: ChildInfo): Promise<number> {
  return new Promise((resolveCpu) => {
    info.child.once('message', (usage: NodeJS.CpuUsage) => resolveCpu(usage.user + usage.system));
    info.child.send('cpu');
  });
}

async function stopChild(info: ChildInfo): Promise<void> {
  const exited = new Promise((r) => info.child.once('exit', r));
  info.child.kill('SIGTERM'); // only the children this run started, by their handle
  await exited;
}

/** Operations per second of `op` in a tight loop for `seconds`. */
async function opsPerSecond(op: () => unknown | Promise<unknown>, seconds: number): Promise<number> {
  for (let i = 0; i < 200; i++) await op(); // warm-up
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) await op();
    n += 50;
  }
  return n / ((performance.now() - start) / 1000);
}

interface CannonResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Server CPU microseconds per request. */
  cpuUs: number;
  /** The load generator's own CPU microseconds per request (this process): what it takes from the same cores. */
  clientCpuUs: number;
}

async function cannon(server: ChildInfo, options: autocannon.Options): Promise<CannonResult> {
  const before = await cpuOf(server);
  const clientBefore = process.cpuUsage();
  const result = await autocannon({ duration: Number(values.duration), connections: Number(values.connections), ...options });
  const client = process.cpuUsage(clientBefore);
  const cpu = (await cpuOf(server)) - before;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuUs: cpu / Math.max(1, result.requests.total),
    clientCpuUs: (client.user + client.system) / Math.max(1, result.requests.total),
  };
}

/**
 * Latency at a fixed rate, open loop: requests leave on a uniform schedule whatever the answers do, and each
 * latency counts from its scheduled time, so a stall cannot hide queued requests (coordinated omission).
 * autocannon's overallRate sends each second's quota in a burst at the start of the second instead.
 */
async function pacedLatency(url: string, body: string, rate: number, seconds: number): Promise<{ p50: number; p99: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  const total = Math.floor(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 50;
  for (let i = 0; i < total; i++) {
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      new Promise<void>((done) => {
        const req = httpRequest(
          { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode !== 200) errors++;
              latencies.push(performance.now() - scheduled);
              done();
            });
          },
        );
        req.on('error', () => {
          errors++;
          done();
        });
        req.end(body);
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => +latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
  return { p50: at(0.5), p99: at(0.99), errors };
}

async function main(): Promise<void> {
  const baselineSeconds = Number(values['baseline-seconds']);
  const blinded = b64uEncode(blind(INPUT).blindedElement);

  // Baselines in this process: the engine vigie serve uses (lookup service: b64u, checks, libsodium, one proof) in a
  // tight loop on as many threads as the server has evaluation threads (one at least)…
  const secretKey = generateSecretKey();
  const engineThreads = Math.max(1, Number(values['eval-threads']));
  const engineRun = async (): Promise<number> => {
    const rates = await Promise.all(
      Array.from({ length: engineThreads }, () => {
        const worker = new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: { secretKey, blinded, seconds: baselineSeconds } });
        return new Promise<number>((resolveRate, reject) => {
          worker.once('message', ({ evaluations, ms }: { evaluations: number; ms: number }) => resolveRate((evaluations * 1000) / ms));
          worker.once('error', reject);
        }).finally(() => void worker.terminate());
      }),
    );
    return rates.reduce((a, b) => a + b, 0);
  };
  // …and voprf-ts's VOPRFServer on the same element.
  const suite = Oprf.Suite.RISTRETTO255_SHA512;
  const theirs = new VOPRFServer(suite, secretKey, CryptoNoble);
  const element = Oprf.getGroup(suite, CryptoNoble).desElt(blind(INPUT).blindedElement);
  const theirsRun = () => opsPerSecond(() => theirs.blindEvaluate(new EvaluationRequest([element])), Math.max(1, baselineSeconds / 2));

  const engineBefore = await engineRun();
  const theirsBefore = await theirsRun();

  const vigie = await startChild('vigie');
  const base = `http://${HOST}:${vigie.port}`;
  const evaluateRequest = {
    url: `${base}/v1/evaluate`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ keyId: vigie.keyId, blinded: [blinded] }),
  };
  await cannon(vigie, { ...evaluateRequest, duration: 2 }); // warm-up (JIT, libsodium)
  // Rounds alternate the engine in-process and the server over HTTP, each ratio taken against the engine run just
  // before it: this machine's speed drifts by 20% over minutes, far more than the difference being measured.
  const evaluateRounds: { http: CannonResult; engine: number }[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const engineNow = await engineRun();
    evaluateRounds.push({ engine: engineNow, http: await cannon(vigie, evaluateRequest) });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const evaluateMax = [...evaluateRounds].sort((a, b) => a.http.rps - b.http.rps)[Math.floor(evaluateRounds.length / 2)]!.http;
  const roundRatios = evaluateRounds.map((r) => r.http.rps / r.engine);
  const roundCpuRatios = evaluateRounds.map((r) => (engineThreads * 1e6) / r.engine / r.http.cpuUs);
  const half = Math.floor(evaluateMax.rps / 2);
  const evaluateHalf = await cannon(vigie, { ...evaluateRequest, overallRate: half });
  // Several rounds: another process taking the cores for a moment stalls the queue and inflates one round's p99.
  const pacedRounds: { p50: number; p99: number; errors: number }[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    pacedRounds.push(await pacedLatency(evaluateRequest.url, evaluateRequest.body, half, Number(values.duration)));
  }

  const bucketBytes = Buffer.from(await (await fetch(`${base}${vigie.bucketPath}`)).arrayBuffer());
  const dir = join(tmpdir(), `vigie-bench-http-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const bucketFile = join(dir, 'bucket.bin');
  writeFileSync(bucketFile, bucketBytes);
  const bare = await startChild('bare', ['--file', bucketFile]);
  // Alternate A B A B so that drift hits both alike.
  const bucketVigie: CannonResult[] = [];
  const bucketBare: CannonResult[] = [];
  await cannon(vigie, { url: `${base}${vigie.bucketPath}`, duration: 2 });
  await cannon(bare, { url: `http://${HOST}:${bare.port}/`, duration: 2 });
  for (let round = 0; round < Number(values.rounds); round++) {
    bucketVigie.push(await cannon(vigie, { url: `${base}${vigie.bucketPath}` }));
    bucketBare.push(await cannon(bare, { url: `http://${HOST}:${bare.port}/` }));
  }
  await stopChild(bare);
  await stopChild(vigie);
  rmSync(dir, { recursive: true, force: true });

  const engineAfter = await engineRun();
  const theirsAfter = await theirsRun();
  const engineRate = median([engineBefore, ...evaluateRounds.map((r) => r.engine), engineAfter]);
  const theirsRate = (theirsBefore + theirsAfter) / 2;

  // Medians: a round disturbed by another process on the machine should not decide the figure.
  const medianCpu = (rs: CannonResult[]) => median(rs.map((r) => r.cpuUs));
  const medianRps = (rs: CannonResult[]) => median(rs.map((r) => r.rps));
  const failures =
    [...evaluateRounds.map((r) => r.http), evaluateHalf, ...bucketVigie, ...bucketBare].reduce((n, r) => n + r.non2xx + r.errors, 0) +
    pacedRounds.reduce((n, r) => n + r.errors, 0);
  const pacedP99s = pacedRounds.map((r) => r.p99);
  // In-process, one evaluation costs threads × 1e6 / rate microseconds of one core.
  const engineCpuUs = (engineThreads * 1e6) / engineRate;
  const report = {
    machine: `${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, node ${process.version}`,
    duration: Number(values.duration),
    connections: Number(values.connections),
    evalThreads: Number(values['eval-threads']),
    bucketBytes: bucketBytes.length,
    evaluate: {
      httpPerSecond: Math.round(evaluateMax.rps),
      engineInProcessPerSecond: Math.round(engineRate),
      voprfTsInProcessPerSecond: Math.round(theirsRate),
      ratioToEngine: +median(roundRatios).toFixed(3),
      ratioToEngineRounds: roundRatios.map((r) => +r.toFixed(3)),
      ratioToVoprfTs: +(evaluateMax.rps / theirsRate).toFixed(2),
      p50AtMaxMs: evaluateMax.p50,
      p99AtMaxMs: evaluateMax.p99,
      serverCpuUsPerRequest: +evaluateMax.cpuUs.toFixed(1),
      clientCpuUsPerRequest: +evaluateMax.clientCpuUs.toFixed(1),
      engineCpuUsPerEvaluation: +engineCpuUs.toFixed(1),
      cpuRatioToEngine: +median(roundCpuRatios).toFixed(3),
      halfRate: half,
      p99AtHalfPacedMsMedian: median(pacedP99s),
      p99AtHalfPacedMsBest: Math.min(...pacedP99s),
      p99AtHalfPacedMsRounds: pacedP99s,
      p50AtHalfPacedMs: median(pacedRounds.map((r) => r.p50)),
      p99AtHalfAutocannonMs: evaluateHalf.p99,
    },
    bucket: {
      vigiePerSecond: Math.round(medianRps(bucketVigie)),
      bareNodeHttpPerSecond: Math.round(medianRps(bucketBare)),
      ratio: +median(bucketVigie.map((r, i) => r.rps / bucketBare[i]!.rps)).toFixed(3),
      ratioRounds: bucketVigie.map((r, i) => +(r.rps / bucketBare[i]!.rps).toFixed(3)),
      p99VigieMs: Math.max(...bucketVigie.map((r) => r.p99)),
      vigieCpuUsPerRequest: +medianCpu(bucketVigie).toFixed(1),
      bareCpuUsPerRequest: +medianCpu(bucketBare).toFixed(1),
      cpuRatio: +(medianCpu(bucketBare) / medianCpu(bucketVigie)).toFixed(3),
    },
    failures,
  };
  console.log(JSON.stringify(report, null, 2));
  console.log(
    [
      `evaluate (1 element, ${report.evalThreads} evaluation thread(s); engine on ${engineThreads}): ${report.evaluate.httpPerSecond}/s over HTTP, ${report.evaluate.engineInProcessPerSecond}/s in-process -> ${report.evaluate.ratioToEngine}x, median of rounds ${report.evaluate.ratioToEngineRounds.join(', ')} (goal >= 0.85)`,
      `                      CPU per request ${report.evaluate.serverCpuUsPerRequest} us vs ${report.evaluate.engineCpuUsPerEvaluation} us in-process -> ${report.evaluate.cpuRatioToEngine}x (the load generator: ${report.evaluate.clientCpuUsPerRequest} us per request on the same cores)`,
      `                      voprf-ts VOPRFServer in-process ${report.evaluate.voprfTsInProcessPerSecond}/s -> ${report.evaluate.ratioToVoprfTs}x (goal >= 8)`,
      `                      p99 at ${report.evaluate.halfRate}/s (half the maximum), paced: median ${report.evaluate.p99AtHalfPacedMsMedian} ms, best ${report.evaluate.p99AtHalfPacedMsBest} ms of ${pacedP99s.length} rounds (goal <= 20); autocannon bursts: ${report.evaluate.p99AtHalfAutocannonMs} ms`,
      `bucket GET (${report.bucketBytes} B): ${report.bucket.vigiePerSecond}/s vs bare node:http ${report.bucket.bareNodeHttpPerSecond}/s -> ${report.bucket.ratio}x, median of rounds ${report.bucket.ratioRounds.join(', ')} (goal >= 0.9)`,
      `                      CPU per request ${report.bucket.vigieCpuUsPerRequest} us vs ${report.bucket.bareCpuUsPerRequest} us -> ${report.bucket.cpuRatio}x`,
      `non-2xx or errors: ${failures}`,
    ].join('\n'),
  );
  const out = resolve('bench/out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'http.json'), `${JSON.stringify(report, null, 2)}\n`);
}

if (values.child !== undefined) await runChild(values.child);
else await main();
