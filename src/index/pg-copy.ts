// PostgreSQL's binary COPY format (PostgreSQL 15 documentation, "COPY", section "Binary Format"): a signature and
// header, then per tuple a 16-bit field count and per field a 32-bit length and the value in network byte order,
// then a trailer of -1. Bulk loads of y values go through it: no text escaping of bytea, no parsing on the server.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient, Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Builds one COPY ... FROM STDIN (FORMAT binary) payload in a growing buffer. */
export class CopyEncoder {
  private buffer: Buffer;
  private position = 0;
  private tuples = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
    this.header();
  }

  get size(): number {
    return this.position;
  }

  get rows(): number {
    return this.tuples;
  }

  private header(): void {
    SIGNATURE.copy(this.buffer, 0);
    this.buffer.writeInt32BE(0, 11); // flags: no OIDs
    this.buffer.writeInt32BE(0, 15); // header extension length
    this.position = 19;
  }

  private room(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }

  tuple(fields: number): this {
    this.room(2);
    this.buffer.writeInt16BE(fields, this.position);
    this.position += 2;
    this.tuples++;
    return this;
  }

  bytea(value: Uint8Array): this {
    this.room(4 + value.length);
    this.buffer.writeInt32BE(value.length, this.position);
    this.buffer.set(value, this.position + 4);
    this.position += 4 + value.length;
    return this;
  }

  /** A 32-bit integer column; an unsigned value above 2^31-1 is stored as its two's complement. */
  int4(value: number): this {
    this.room(8);
    this.buffer.writeInt32BE(4, this.position);
    this.buffer.writeInt32BE(value | 0, this.position + 4);
    this.position += 8;
    return this;
  }

  bool(value: boolean): this {
    this.room(5);
    this.buffer.writeInt32BE(1, this.position);
    this.buffer[this.position + 4] = value ? 1 : 0;
    this.position += 5;
    return this;
  }

  text(value: string): this {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.room(4 + bytes);
    this.buffer.writeInt32BE(bytes, this.position);
    this.buffer.write(value, this.position + 4, 'utf8');
    this.position += 4 + bytes;
    return this;
  }

  /** The payload with its trailer; the encoder starts over, empty. */
  take(): Buffer {
    this.room(2);
    this.buffer.writeInt16BE(-1, this.position);
    const payload = Buffer.from(this.buffer.subarray(0, this.position + 2));
    this.tuples = 0;
    this.header();
    return payload;
  }
}

/** Runs `COPY table (columns) FROM STDIN (FORMAT binary)` with one payload on `client`. */
export async function copyIn(client: PoolClient | Client, target: string, payload: Buffer): Promise<void> {
  await pipeline(Readable.from([payload]), client.query(copyFrom(`COPY ${target} FROM STDIN (FORMAT binary)`)));
}
