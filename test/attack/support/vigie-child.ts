// `vigie` (the compiled CLI, bin/vigie.js -> dist/) in a child process for the crash tests: its `--progress json`
// lines as they come, with the time since the spawn, and a SIGKILL that records when and in which phase it hit.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const BIN = resolve('bin/vigie.js');

/** The crash tests run the CLI as a user does, from dist/: `npm run build` first (npm test does). */
export function requireBuild(): void {
  if (!existsSync(resolve('dist/src/cli/main.js'))) throw new Error('dist/ is missing: run "npm run build --silent" before the crash tests');
}

export interface ProgressEvent {
  /** Milliseconds since the spawn. */
  ms: number;
  /** The `progress` field: 'ingest', 'building index', 'done', ... */
  phase: string;
  line: Record<string, unknown>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the spawn to the exit. */
  ms: number;
}

export interface VigieChild {
  readonly progress: ProgressEvent[];
  onProgress(listener: (event: ProgressEvent) => void): void;
  /** SIGKILL now (kill -9): no handler runs, nothing is flushed. Ignored once the process has exited. */
  kill(): void;
  /** When the SIGKILL was sent, and the last phase the process had reported. */
  readonly killed: { ms: number; phase: string | null } | null;
  readonly exited: Promise<Exit>;
  /** Milliseconds since the spawn. */
  elapsed(): number;
}

export function spawnVigie(args: readonly string[], env: NodeJS.ProcessEnv): VigieChild {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const progress: ProgressEvent[] = [];
  const listeners: ((event: ProgressEvent) => void)[] = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  let killed: { ms: number; phase: string | null } | null = null;
  let done = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderr += text;
    pending += text;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!line.startsWith('{"progress"')) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const event = { ms: elapsed(), phase: String(parsed['progress']), line: parsed };
      progress.push(event);
      for (const listener of listeners) listener(event);
    }
  });
  const exited = new Promise<Exit>((resolveExit, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      done = true;
      resolveExit({ code, signal, stdout, stderr, ms: elapsed() });
    });
  });
  return {
    progress,
    onProgress: (listener) => listeners.push(listener),
    kill() {
      if (done || killed !== null) return;
      killed = { ms: elapsed(), phase: progress.at(-1)?.phase ?? null };
      child.kill('SIGKILL');
    },
    get killed() {
      return killed;
    },
    exited,
    elapsed,
  };
}
