// `npm run bench:portal`: the portal's two budgets (issue 4). (1) The time of a check of four identifiers (NIR, e-mail,
// phone, name + birth date) in headless Chromium on loopback, from the form's submission to the result on screen,
// timed inside the page; each run checks another person of the synthetic leak, so buckets are fetched anew.
// (2) The JavaScript the check page ships, gzipped (and brotli, what the server sends Chromium), and the lazy chunks.
// Options: --runs N (default 25), --rows N (default 3000), --throttle N (Chromium's CPU slowdown, e.g. 4 for a slow
// phone; default 1).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { defaultPortalDir } from '../src/cli/serve.js';
import { launchBrowser, startPortalWorld } from '../src/server/portal-fixture.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '25' }, rows: { type: 'string', default: '3000' }, throttle: { type: 'string', default: '1' } },
});
const runs = Number(values.runs);
const rows = Number(values.rows);
const throttle = Number(values.throttle);
const WARMUP = 3;

// ---- JavaScript shipped ---------------------------------------------------------------------------------------------
const dir = defaultPortalDir();
if (dir === null) throw new Error('the portal is not built: run npm run build');
const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  { file: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] }
>;
const kb = (n: number): number => Math.round((n / 1024) * 10) / 10;
function sizes(file: string): { raw: number; gzip: number; brotli: number } {
  const bytes = readFileSync(join(dir!, file));
  return {
    raw: kb(bytes.length),
    gzip: kb(gzipSync(bytes, { level: 9 }).length),
    brotli: kb(brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length),
  };
}
const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry === true)!;
const initial = new Set<string>();
const visit = (key: string): void => {
  const chunk = manifest[key]!;
  if (initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const i of chunk.imports ?? []) visit(i);
};
visit(entryKey);
const lazy = Object.values(manifest).map((c) => c.file).filter((f) => f.endsWith('.js') && !initial.has(f));
const sum = (files: Iterable<string>, k: 'raw' | 'gzip' | 'brotli'): number => kb([...files].reduce((s, f) => s + sizes(f)[k] * 1024, 0));
const js = {
  initial: { files: [...initial], raw: sum(initial, 'raw'), gzip: sum(initial, 'gzip'), brotli: sum(initial, 'brotli') },
  lazy: Object.fromEntries(lazy.map((f) => [f, sizes(f)])),
  css: Object.fromEntries((manifest[entryKey]!.css ?? []).map((f) => [f, sizes(f)])),
};

// ---- Check time ------------------------------------------------------------------------------------------------------
const world = await startPortalWorld({ rows, rateLimit: null });
const browser = await launchBrowser();
const people = world.truth.filter((p) => !p.unusable && p.email !== null && p.phone !== null && p.nirKeyInFile === 'valid');
if (people.length < runs + WARMUP) throw new Error(`only ${people.length} persons with four identifiers: raise --rows`);
const times: number[] = [];
try {
  const page = await browser.newPage();
  if (throttle > 1) {
    // DevTools' CPU throttling: every script runs `throttle` times slower, as on a low-end phone.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  }
  await page.goto(`${world.url}/`);
  for (let i = 0; i < runs + WARMUP; i++) {
    const p = people[i]!;
    const fields = { nir: p.nir, email: p.email!, phone: p.phone!, lastName: p.lastName, firstName: p.firstName, birthDate: p.birthDate };
    for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
    const ms = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const result = document.getElementById('result')!;
          result.innerHTML = '';
          const start = performance.now();
          const observer = new MutationObserver(() => {
            if (result.querySelector('.verdict') !== null) {
              observer.disconnect();
              resolve(performance.now() - start);
            }
          });
          observer.observe(result, { childList: true, subtree: true });
          setTimeout(() => reject(new Error('no result within 10 s')), 10_000);
          (document.getElementById('check-form') as HTMLFormElement).requestSubmit();
        }),
    );
    if ((await page.locator('.checked strong.yes').count()) !== 4) throw new Error(`person ${i}: not every identifier was found`);
    if (i >= WARMUP) times.push(ms);
  }
} finally {
  await browser.close();
  await world.close();
}
times.sort((a, b) => a - b);
const at = (q: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
const report = {
  check: { identifiers: 4, runs, cpuThrottle: throttle, medianMs: at(0.5), p90Ms: at(0.9), minMs: at(0), maxMs: at(1), goalMs: 300 },
  javascript: { ...js, goalGzipKb: 100 },
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
};
console.log(JSON.stringify(report, null, 2));
console.log(
  `\ncheck of 4 identifiers: median ${report.check.medianMs} ms, p90 ${report.check.p90Ms} ms over ${runs} runs, CPU throttle ${throttle}x (goal <= 300 ms)\n` +
    `JavaScript of the check page: ${js.initial.gzip} KB gzipped, ${js.initial.brotli} KB brotli (goal <= 100 KB gzipped); ` +
    `lazy: ${lazy.map((f) => `${f} ${js.lazy[f]!.gzip} KB`).join(', ')}`,
);
