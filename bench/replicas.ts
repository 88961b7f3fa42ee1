// Replica scaling (issue 7, "Performance": evaluate throughput with 2 replicas >= 1.8x one replica). One store,
// two `vigie serve` replicas (rate limits off) and two nginx instances from deploy/nginx.conf in the same run: one
// whose upstream holds replica A alone, one holding A and B. autocannon posts evaluations to each nginx in turn,
// rounds alternating, medians reported. The CPU seconds of the replicas, of nginx and of autocannon are read
// around each run (/proc), because on a small shared machine they compete for the same cores: the ratio of
// throughputs can only approach 2 when the cores are there for the second replica.
//
//   npm run bench:replicas -- [--duration 8] [--connections 16] [--rounds 3] [--rows 2000]

import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { buildStore, evaluateBody, keyIdOf, startNginx, startReplica, type Nginx, type Replica } from '../test/deploy/cluster.js';
import { missingNginx } from '../test/deploy/services.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    rows: { type: 'string', default: '2000' },
  },
});

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of a process, from /proc/PID/stat; 0 once it is gone. */
function cpuSecondsOfPid(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Pids whose parent is `pid` (nginx's workers). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

interface Run {
  replicas: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU microseconds per request spent by the replicas, nginx (master and workers) and autocannon (this process). */
  cpuUsPerRequest: { replicas: number; nginx: number; loadGenerator: number };
}

async function measure(nginx: Nginx, replicas: Replica[], upstream: number, body: string): Promise<Run> {
  const nginxPids = [nginx.pid, ...childrenOf(nginx.pid)];
  const cpu = () => ({
    replicas: replicas.reduce((sum, r) => sum + cpuSecondsOfPid(r.pid), 0),
    nginx: nginxPids.reduce((sum, pid) => sum + cpuSecondsOfPid(pid), 0),
    self: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  });
  const before = cpu();
  const result = await autocannon({
    url: `${nginx.url}/v1/evaluate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    duration: Number(values.duration),
    connections: Number(values.connections),
  });
  const after = cpu();
  const total = Math.max(1, result.requests.total);
  const us = (seconds: number) => Math.round((seconds * 1e6) / total);
  return {
    replicas: upstream,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuUsPerRequest: { replicas: us(after.replicas - before.replicas), nginx: us(after.nginx - before.nginx), loadGenerator: us(after.self - before.self) },
  };
}

/** Peak resident memory of a process in MiB (VmHWM), or null once it is gone. */
function peakRssMiB(pid: number): number | null {
  try {
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? null : Math.round(Number(kib) / 1024);
  } catch {
    return null;
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

async function main(): Promise<void> {
  const missing = missingNginx();
  if (missing.length > 0) throw new Error(`bench:replicas needs ${missing.join(', ')}`);
  const loadBefore = loadavg()[0]!;
  console.log(`building a store of ${values.rows} synthetic rows...`);
  const ws = buildStore(Number(values.rows));
  const env = { VIGIE_RATE_LIMIT: 'off', VIGIE_NOTICE_RATE_LIMIT: 'off', VIGIE_TRUSTED_PROXIES: '127.0.0.1' };
  const replicas: Replica[] = [];
  const fronts: Nginx[] = [];
  try {
    replicas.push(await startReplica(ws, env), await startReplica(ws, env));
    const one = await startNginx([replicas[0]!.port]);
    fronts.push(one);
    const two = await startNginx(replicas.map((r) => r.port));
    fronts.push(two);
    const body = evaluateBody(await keyIdOf(two.url));
    // Warm-up: JIT, libsodium, nginx's connections to both replicas.
    await autocannon({ url: `${two.url}/v1/evaluate`, method: 'POST', headers: { 'content-type': 'application/json' }, body, duration: 2, connections: 8 });

    const runs: Run[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      // Alternate which goes first, so that drift on the machine falls on both alike.
      const order = round % 2 === 0 ? [1, 2] : [2, 1];
      for (const n of order) {
        const run = await measure(n === 1 ? one : two, replicas, n, body);
        runs.push(run);
        console.log(`round ${round + 1}, ${n} replica(s): ${run.rps}/s, p50 ${run.p50} ms, p99 ${run.p99} ms, CPU/request ${JSON.stringify(run.cpuUsPerRequest)} µs`);
      }
    }
    const of = (n: number) => runs.filter((r) => r.replicas === n);
    const rps1 = median(of(1).map((r) => r.rps));
    const rps2 = median(of(2).map((r) => r.rps));
    const failures = runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
    const report = {
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version, loadBefore, loadAfter: loadavg()[0] },
      options: values,
      oneReplica: { rps: rps1, cpuUsPerRequest: of(1).at(-1)?.cpuUsPerRequest },
      twoReplicas: { rps: rps2, cpuUsPerRequest: of(2).at(-1)?.cpuUsPerRequest },
      ratio: +(rps2 / rps1).toFixed(3),
      replicaPeakRssMiB: replicas.map((r) => peakRssMiB(r.pid)),
      failures,
      runs,
    };
    console.log(`\nevaluate through nginx: 1 replica ${rps1}/s, 2 replicas ${rps2}/s: ratio ${report.ratio} (goal >= 1.8)`);
    console.log(`${availableParallelism()} CPUs, load average ${loadBefore.toFixed(2)} before, ${report.machine.loadAfter!.toFixed(2)} after; non-2xx or errors: ${failures}`);
    console.log(`replicas' peak RSS: ${report.replicaPeakRssMiB.map((m) => `${m} MiB`).join(', ')}`);
    const out = resolve('bench/out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'replicas.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const front of fronts) await front.stop();
    for (const replica of replicas) await replica.stop('SIGTERM');
    ws.remove();
  }
}

await main();
