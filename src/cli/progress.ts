// Progress of long commands: a one-line bar on a terminal (rate, ETA), JSON lines for machines, or nothing.

import type { CliIo } from './io.js';

export type ProgressMode = 'tty' | 'json' | 'none';

export interface ProgressUpdate {
  phase: string;
  done: number;
  /** Total in the same unit as done, when known. */
  total: number | null;
  /** Bytes read and bytes in all (for the percentage and ETA of streamed files). */
  bytes?: { read: number; total: number | null };
  unit: string;
  elapsedMs: number;
  extra?: Record<string, number | string>;
}

export interface ProgressReporter {
  update(progress: ProgressUpdate): void;
  finish(): void;
}

export function parseProgressMode(value: string | undefined, io: CliIo): ProgressMode {
  if (value === undefined) return io.stderr.isTTY === true ? 'tty' : 'json';
  if (value === 'tty' || value === 'json' || value === 'none') return value;
  throw new RangeError(`--progress expects tty, json or none, got "${value}"`);
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

const number = new Intl.NumberFormat('en-US');

export function createProgress(mode: ProgressMode, io: CliIo, intervalMs = mode === 'json' ? 1000 : 100): ProgressReporter {
  let last = 0;
  let lastLine = '';
  let lastPhase = '';
  return {
    update(p) {
      const now = Date.now();
      // Throttled, except a change of phase: a reader (a script, a supervisor) must see every phase begin.
      if (now - last < intervalMs && p.phase === lastPhase && p.phase !== 'done') return;
      last = now;
      lastPhase = p.phase;
      const rate = p.elapsedMs > 0 ? (p.done / p.elapsedMs) * 1000 : 0;
      const fraction =
        p.total !== null && p.total > 0
          ? p.done / p.total
          : p.bytes !== undefined && p.bytes.total !== null && p.bytes.total > 0
            ? p.bytes.read / p.bytes.total
            : null;
      const eta = fraction !== null && fraction > 0 ? ((p.elapsedMs / 1000) * (1 - fraction)) / fraction : null;
      if (mode === 'json') {
        io.stderr.write(
          `${JSON.stringify({
            progress: p.phase,
            [p.unit]: p.done,
            total: p.total,
            ratePerSecond: Math.round(rate),
            fraction: fraction === null ? null : Math.round(fraction * 1000) / 1000,
            etaSeconds: eta === null ? null : Math.round(eta),
            elapsedSeconds: Math.round(p.elapsedMs / 100) / 10,
            ...p.extra,
          })}\n`,
        );
      } else if (mode === 'tty') {
        const width = 24;
        const filled = fraction === null ? 0 : Math.min(width, Math.round(fraction * width));
        const bar = fraction === null ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
        const line = `${p.phase} ${bar}${number.format(p.done)} ${p.unit} · ${number.format(Math.round(rate))}/s · ETA ${eta === null ? '--:--' : formatDuration(eta)}`;
        const columns = io.stderr.columns ?? 100;
        lastLine = line.slice(0, columns - 1);
        io.stderr.write(`\r\x1b[2K${lastLine}`);
      }
    },
    finish() {
      if (mode === 'tty' && lastLine !== '') io.stderr.write('\n');
    },
  };
}
