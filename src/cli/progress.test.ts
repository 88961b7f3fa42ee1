import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

function jsonLines(): { io: { stdout: PassThrough; stderr: PassThrough; env: NodeJS.ProcessEnv }; lines: () => Record<string, unknown>[] } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (d: Buffer) => (text += d.toString()));
  return {
    io: { stdout: new PassThrough(), stderr, env: {} },
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const update = (phase: string, done: number) => ({ phase, done, total: null, unit: 'rows', elapsedMs: 10 });

describe('progress as JSON lines', () => {
  it('throttles updates within a phase but reports every change of phase at once', () => {
    const { io, lines } = jsonLines();
    const progress = createProgress('json', io, 60_000);
    progress.update(update('reading', 1));
    progress.update(update('reading', 2)); // throttled
    progress.update(update('building index', 3)); // a new phase: reported at once
    progress.update(update('building index', 4)); // throttled
    progress.update(update('done', 5)); // always reported
    progress.finish();
    expect(lines().map((l) => [l['progress'], l['rows']])).toEqual([
      ['reading', 1],
      ['building index', 3],
      ['done', 5],
    ]);
  });
});
