// Logging for the HTTP server (DESIGN §1.1: logs carry no identifier, no code, no blinded element). Our request log
// is written in app.ts from the route pattern; these serializers are the second line: should anything log a
// request, a reply or an error object, only a method, a status and an error's type and code come through.

import { pino, type DestinationStream, type Logger } from 'pino';

const serializers = {
  req: (req: { method?: string }) => ({ method: req.method }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  err: (err: { name?: string; code?: string }) => ({ type: err.name, code: err.code }),
};

/** The given logger with serializers that drop URLs, headers, bodies and error messages. */
export function safeLogger(logger: Logger): Logger {
  return logger.child({}, { serializers });
}

export interface ServerLoggerOptions {
  /** A stream of one's own (tests); otherwise a file descriptor or path, buffered (default 1, stdout). */
  stream?: DestinationStream;
  dest?: number | string;
  level?: string;
}

export interface ServerLogger {
  logger: Logger;
  /** Writes out what is buffered and stops the periodic flush. */
  close(): Promise<void>;
}

/**
 * The server's logger: JSON lines. One write(2) per request line cost about a third of the CPU of a bucket GET
 * (measured with --cpu-prof), so lines are buffered up to 4 KiB and flushed at least every second.
 */
export function createServerLogger(options: ServerLoggerOptions = {}): ServerLogger {
  const level = options.level ?? 'info';
  if (options.stream !== undefined) {
    return { logger: pino({ level, base: { service: 'vigie' }, serializers }, options.stream), close: async () => {} };
  }
  const destination = pino.destination({ dest: options.dest ?? 1, sync: false, minLength: 4096 });
  const logger = pino({ level, base: { service: 'vigie' }, serializers }, destination);
  const timer = setInterval(() => destination.flush(), 1000);
  timer.unref();
  return {
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        destination.flush((_error?: Error) => resolve());
      }),
  };
}
