// The vigie command as a user runs it (compiled, through bin/vigie.js): keys, synth, ingest, check, and a crash.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve('bin/vigie.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('vigie CLI', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const vigie = (...args: string[]): Run => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', cwd: dir });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
    env = { ...process.env, VIGIE_DB: join(dir, 'vigie.db'), VIGIE_KEY_FILE: join(dir, 'vigie.key') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a key file readable by its owner only, and refuses to overwrite it', () => {
    const r = vigie('keys', 'generate', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ suite: 'ristretto255-SHA512' });
    expect(statSync(join(dir, 'vigie.key')).mode & 0o777).toBe(0o600);
    const again = vigie('keys', 'generate');
    expect(again.status).not.toBe(0);
  });

  it('refuses a key file that others can read, in one line', () => {
    chmodSync(join(dir, 'vigie.key'), 0o644);
    const r = vigie('check', '--email', 'a@example.fr');
    chmodSync(join(dir, 'vigie.key'), 0o600);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/E_KEY_FILE/);
  });

  it('synthesizes, ingests and checks through the private protocol', () => {
    const file = join(dir, 'leak.csv');
    const truthFile = join(dir, 'truth.jsonl');
    expect(vigie('synth', '--rows', '1500', '--seed', 'cli', '--out', file, '--truth', truthFile).status).toBe(0);
    const r = vigie('ingest', file, '--breach', 'labos-2021', '--title', 'Labs', '--progress', 'none', '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary['rowsRead']).toBe(1500);
    expect((summary['rowsIndexed'] as number) + (summary['rowsRejected'] as number)).toBe(1500);
    expect(summary['indexId']).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(join(dir, 'vigie.db')).mode & 0o777).toBe(0o600);
    expect(Object.keys(summary['identifiers'] as object).sort()).toEqual(['email', 'nir', 'person', 'phone']);

    const person = JSON.parse(readFileSync(truthFile, 'utf8').split('\n')[0]!) as { nir: string; categories: string[] };
    const found = JSON.parse(vigie('check', '--nir', person.nir, '--json').stdout) as {
      found: boolean;
      matches: { type: string; breaches: { id: string; categories: string[] }[] }[];
    };
    expect(found.found).toBe(true);
    expect(found.matches).toEqual([{ type: 'nir', breaches: [{ id: 'labos-2021', categories: expect.any(Array) }] }]);
    expect(found.matches[0]!.breaches[0]!.categories.sort()).toEqual([...person.categories].sort());
    const absent = JSON.parse(vigie('check', '--email', 'absent.person@example.org', '--json').stdout);
    expect(absent).toEqual({ found: false, matches: [] });
    const text = vigie('check', '--nir', person.nir, '--lang', 'fr');
    expect(text.stdout).toMatch(/Trouvé/);
  });

  it('explains a bad command line in one line', () => {
    const r = vigie('ingest', '--breach', 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/E_USAGE/);
    expect(vigie('nonsense').status).toBe(2);
    const missing = vigie('ingest', join(dir, 'no-such-file.csv'), '--breach', 'x', '--progress', 'none');
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/no-such-file\.csv/);
  });

  it('survives kill -9 during an ingest: the published index answers as before, a rerun gives the same counts', async () => {
    const file = join(dir, 'big.csv');
    expect(vigie('synth', '--rows', '20000', '--seed', 'crash', '--dirty', '--out', file).status).toBe(0);
    const before = JSON.parse(vigie('breaches', '--json').stdout) as { indexId: string };
    const probe = JSON.parse(readFileSync(join(dir, 'truth.jsonl'), 'utf8').split('\n')[1]!) as { nir: string };
    const answerBefore = vigie('check', '--nir', probe.nir, '--json').stdout;

    const child = spawn(process.execPath, [BIN, 'ingest', file, '--breach', 'crash-test', '--progress', 'json'], { env, cwd: dir });
    await new Promise<void>((resolvePromise, reject) => {
      let seen = '';
      child.stderr.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const rows = [...seen.matchAll(/"rows":(\d+)/g)].map((m) => Number(m[1]));
        if (rows.some((n) => n >= 2000)) {
          child.kill('SIGKILL');
          resolvePromise();
        }
      });
      child.on('exit', () => resolvePromise());
      child.on('error', reject);
    });
    await new Promise((r) => child.on('close', r));
    expect(child.signalCode).toBe('SIGKILL');

    const after = JSON.parse(vigie('breaches', '--json').stdout) as { indexId: string; breaches: { id: string }[] };
    expect(after.indexId).toBe(before.indexId);
    expect(vigie('check', '--nir', probe.nir, '--json').stdout).toBe(answerBefore);

    const rerun = vigie('ingest', file, '--breach', 'crash-test', '--progress', 'none', '--json');
    expect(rerun.status, rerun.stderr).toBe(0);
    const reference = spawnSync(process.execPath, [BIN, 'ingest', file, '--breach', 'crash-test', '--progress', 'none', '--json'], {
      env: { ...env, VIGIE_DB: join(dir, 'reference.db') },
      encoding: 'utf8',
      cwd: dir,
    });
    expect(reference.status, reference.stderr).toBe(0);
    const pick = (s: string): unknown => {
      const { rowsRead, rowsIndexed, rowsRejected, identifiers, persons, nirKeyMissing, nirKeyWrong } = JSON.parse(s) as Record<string, unknown>;
      return { rowsRead, rowsIndexed, rowsRejected, identifiers, persons, nirKeyMissing, nirKeyWrong };
    };
    expect(pick(rerun.stdout)).toEqual(pick(reference.stdout));
    expect(vigie('check', '--nir', probe.nir, '--json').stdout).toBe(answerBefore);
  }, 180_000);
});
