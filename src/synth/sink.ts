// A buffered file writer with backpressure: text is encoded straight into 1 MB buffers, each handed to
// the file stream when full; the caller awaits `flush()` whenever the stream asks to drain.

import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { encodeWindows1252Into } from './windows-1252.js';

const BUFFER_BYTES = 1 << 20;

export type SinkEncoding = 'utf-8' | 'windows-1252';

export interface Sink {
  /** Encodes and buffers `text`; never blocks. */
  write(text: string): void;
  /** True when the stream has asked to drain: the caller should `await flush()` before writing more. */
  readonly full: boolean;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Closes without flushing, after a failure. */
  abort(): void;
}

/** Opens `path` for writing (truncating it) and resolves once the file is open, so a bad path fails before any work. */
export async function openSink(path: string, encoding: SinkEncoding): Promise<Sink> {
  const stream: WriteStream = createWriteStream(path);
  let failure: unknown = null;
  stream.on('error', (error) => {
    failure ??= error;
  });
  await once(stream, 'open');

  let buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;
  let mustDrain = false;
  // Tracked by a listener, not only awaited: with two sinks, one may drain while the caller awaits the other.
  stream.on('drain', () => {
    mustDrain = false;
  });

  const handOver = (): void => {
    if (used === 0) return;
    // The stream keeps the slice until written, so a new buffer is taken rather than reused.
    mustDrain = !stream.write(buffer.subarray(0, used)) || mustDrain;
    buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    used = 0;
  };

  const flush = async (): Promise<void> => {
    if (failure !== null) throw failure;
    if (mustDrain) await once(stream, 'drain');
  };

  return {
    write(text) {
      // Worst cases: 3 bytes per UTF-16 unit in UTF-8, 1 in Windows-1252.
      const worst = encoding === 'utf-8' ? 3 * text.length : text.length;
      if (used + worst > buffer.length) {
        handOver();
        if (worst > buffer.length) buffer = Buffer.allocUnsafe(worst);
      }
      used += encoding === 'utf-8' ? buffer.write(text, used, 'utf8') : encodeWindows1252Into(text, buffer, used);
    },
    get full() {
      return mustDrain;
    },
    flush,
    async close() {
      handOver();
      stream.end();
      await finished(stream);
      if (failure !== null) throw failure;
    },
    abort() {
      stream.destroy();
    },
  };
}
