// HTTP/1.1 on a raw socket, for requests no client library would send (RFC 9112 framing broken on purpose): the
// bytes go out as given, and every response that comes back is parsed (interim 1xx included) until the server closes.

import { connect } from 'node:net';

export interface WireResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface Exchange {
  responses: WireResponse[];
  /** Bytes after the last response that do not parse as one (or an unfinished one). */
  trailing: number;
  /** The server neither answered completely nor closed within the time limit. */
  timedOut: boolean;
}

/** Sends `request`, half-closes, and reads until the server closes (or `timeoutMs`). */
export function exchange(port: number, request: Buffer, options: { timeoutMs: number; headRequest: boolean }): Promise<Exchange> {
  return new Promise((resolveExchange) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseResponses(Buffer.concat(chunks), options.headRequest);
      resolveExchange({ ...parsed, timedOut });
    };
    const timer = setTimeout(() => finish(true), options.timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => finish(false));
    // A reset after a refused request is an answer too (the server may close before reading everything).
    socket.on('error', () => finish(false));
    socket.end(request);
  });
}

/** Parses consecutive HTTP/1.1 responses (Content-Length, chunked, or up to the close). */
export function parseResponses(data: Buffer, headRequest: boolean): { responses: WireResponse[]; trailing: number } {
  const responses: WireResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) break;
    const lines = data.toString('latin1', at, end).split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (status === null) break;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const code = Number(status[1]);
    let p = end + 4;
    let body: Buffer;
    if (code < 200 || code === 204 || code === 304 || headRequest) {
      body = Buffer.alloc(0);
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', p, 'latin1');
        if (lineEnd < 0) return { responses, trailing: data.length - at };
        const size = parseInt(data.toString('latin1', p, lineEnd), 16);
        p = lineEnd + 2;
        if (!Number.isFinite(size)) return { responses, trailing: data.length - at };
        if (size === 0) {
          const last = data.indexOf('\r\n', p, 'latin1');
          p = last < 0 ? data.length : last + 2;
          break;
        }
        parts.push(data.subarray(p, p + size));
        p += size + 2;
      }
      body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (p + length > data.length) return { responses, trailing: data.length - at };
      body = data.subarray(p, p + length);
      p += length;
    } else {
      body = data.subarray(p);
      p = data.length;
    }
    responses.push({ status: code, headers, body });
    at = p;
  }
  return { responses, trailing: data.length - at };
}
