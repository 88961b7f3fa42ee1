// The one error type of Vigie outside the pure modules: a stable code (documented in docs/errors.md),
// a message for people that never carries a personal value, and an optional cause.

export const ERROR_CODES = {
  E_CONFIG: 'invalid configuration (an environment variable or option)',
  E_USAGE: 'invalid command line',
  E_KEY_FILE: 'key file missing, unreadable, malformed or readable by others',
  E_SOURCE_OPEN: 'source file cannot be opened',
  E_SOURCE_ENCODING: 'source file encoding cannot be decoded',
  E_SOURCE_FORMAT: 'source file structure cannot be read (CSV dialect, XLSX package)',
  E_SOURCE_HEADER: 'source file has no usable header row',
  E_MAPPING: 'column mapping file is invalid',
  E_STORE: 'the store cannot be opened or is inconsistent',
  E_NO_INDEX: 'no index has been published yet',
  E_BREACH: 'unknown or invalid breach',
  E_INPUT: 'an identifier given to check is invalid',
  E_PROTOCOL: 'a protocol message is malformed or fails verification',
  E_PROOF: 'the server proof does not verify',
  E_RATE_LIMITED: 'too many requests',
  E_RATE_LIMIT_UNAVAILABLE: 'the shared rate-limit store (Redis) cannot be reached: rate-limited requests are refused until it is back',
  E_BAD_REQUEST: 'an HTTP request is malformed or fails its schema',
  E_NOT_FOUND: 'no such resource',
  E_METHOD_NOT_ALLOWED: 'the resource exists but not with this HTTP method',
  E_PAYLOAD_TOO_LARGE: 'the request body exceeds the limit',
  E_UNSUPPORTED_MEDIA_TYPE: 'the request body is not of the required media type',
  E_UNKNOWN_KEY: 'the key id is not one the server publishes',
  E_UNKNOWN_INDEX: 'the index id is not one the server holds',
  E_NETWORK: 'the server cannot be reached or its answer cannot be read',
  E_INTERNAL: 'an unexpected server error',
  E_UNAUTHORIZED: 'missing or wrong credentials (the administration token)',
  E_DOSSIER: 'the regulator dossier cannot be produced as asked',
  E_DOSSIER_LATE: 'the dossier is past the 72-hour deadline and no reason for the delay was given',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class VigieError extends Error {
  override readonly name = 'VigieError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isVigieError(error: unknown): error is VigieError {
  return error instanceof VigieError;
}
