// The notice commands as a user runs them (compiled, through bin/vigie.js): controller init, notices generate on
// worker threads, notices send and status, and one-line errors for a bad configuration or command line.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpPeer } from './notices-smtp-peer.js';

const BIN = resolve('bin/vigie.js');

describe('vigie notices (CLI)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const vigie = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', cwd: dir });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-notices-cli-'));
    env = { ...process.env, VIGIE_DB: join(dir, 'vigie.db'), VIGIE_KEY_FILE: join(dir, 'vigie.key') };
    expect(vigie('keys', 'generate').status).toBe(0);
    expect(vigie('synth', '--rows', '1500', '--seed', 'notices-cli', '--dirty', '--out', 'leak.csv').status).toBe(0);
    expect(vigie('ingest', 'leak.csv', '--breach', 'labos-2021', '--progress', 'none').status).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an example controller.json that validates, and refuses to overwrite it without --force', () => {
    const r = vigie('controller', 'init', '--out', 'controller.json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'controller.json'), 'utf8'))).toMatchObject({ version: 1, languages: ['fr', 'en'] });
    const again = vigie('controller', 'init', '--out', 'controller.json');
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists.*--force/);
    expect(vigie('controller', 'init', '--out', 'controller.json', '--force').status).toBe(0);
  });

  it('names the bad field of a controller.json, in one line', () => {
    const config = JSON.parse(readFileSync(join(dir, 'controller.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...config, portalUrl: 'http://verif.example' }));
    const r = vigie('notices', 'generate', '--breach', 'labos-2021', '--source', 'leak.csv', '--controller', 'bad.json', '--out', 'x');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.json: "portalUrl" must be an https:\/\/ address \[E_CONFIG\]/);
  });

  it('generates notices on worker threads and says the output is personal data', () => {
    const r = vigie('notices', 'generate', '--breach', 'labos-2021', '--source', 'leak.csv', '--controller', 'controller.json', '--out', 'letters', '--threads', '2', '--progress', 'none', '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, number>;
    expect(summary['notices']).toBe(summary['persons']);
    expect(summary['letters']! + summary['withoutPostalAddress']!).toBe(summary['persons']);
    expect(r.stderr).toMatch(/PERSONAL DATA: letters \(mode 0700, files 0600\)/);
    expect(statSync(join(dir, 'letters', 'letters-0001.pdf')).mode & 0o777).toBe(0o600);
    const pages = spawnSync('pdfinfo', [join(dir, 'letters', 'letters-0001.pdf')], { encoding: 'utf8' }).stdout;
    expect(pages).toMatch(new RegExp(`Pages:\\s+${Math.min(1000, summary['letters']!)}\\n`));
  });

  it('sends, then reports counts by channel and state', async () => {
    const peer = await startSmtpPeer({ keepBodies: false });
    try {
      // Asynchronously: the SMTP peer runs in this process and must keep answering.
      // Without --controller: the e-mails are worded with the configuration generate kept in the store.
      const child = spawn(process.execPath, [BIN, 'notices', 'send', '--breach', 'labos-2021', '--smtp', peer.url, '--progress', 'none', '--json'], { env, cwd: dir });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const status = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
      const r = { status, stdout, stderr };
      expect(r.status, r.stderr).toBe(0);
      const sent = JSON.parse(r.stdout) as { counts: Record<string, number> };
      expect(peer.count).toBe(sent.counts['sent']);
      const shown = vigie('notices', 'status', '--breach', 'labos-2021', '--json');
      expect(shown.status, shown.stderr).toBe(0);
      const json = JSON.parse(shown.stdout) as { notices: number; openedOnPortal: number; letters: { printed: number }; email: Record<string, number> };
      expect(json.email).toEqual({ pending: 0, sending: 0, sent: peer.count, bounced: 0, failed: 0 });
      expect(json.openedOnPortal).toBe(0);
      expect(json.letters.printed).toBeGreaterThan(0);
      expect(vigie('notices', 'status', '--breach', 'labos-2021').stdout).toMatch(/opened on the portal/);
    } finally {
      await peer.close();
    }
  });

  it('lists the notices subcommands, and refuses an unknown one or a missing option in one line', () => {
    const help = vigie('notices', '--help');
    expect(help.status).toBe(0);
    for (const sub of ['generate', 'send', 'status']) expect(help.stdout).toContain(`vigie notices ${sub}`);
    const unknown = vigie('notices', 'print');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown subcommand "print"/);
    const missing = vigie('notices', 'send', '--breach', 'labos-2021');
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/--smtp URL is required \[E_USAGE\]/);
  });
});
