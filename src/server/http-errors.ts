// The one place where errors become HTTP answers: every VigieError code has its status (a new code without one
// fails to compile), and every error body is {"error":{"code","message"}} (DESIGN §4). Messages are fixed texts
// or schema paths: never an echo of what the client sent (a JSON parser's message can quote the body).

import { ERROR_CODES, isVigieError, type ErrorCode } from '../errors.js';

/** RFC 9110 §15 statuses; 429 from RFC 6585 §4. 503 for "no index yet": the server is up but has nothing to serve. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  E_CONFIG: 500,
  E_USAGE: 500,
  E_KEY_FILE: 500,
  E_SOURCE_OPEN: 500,
  E_SOURCE_ENCODING: 500,
  E_SOURCE_FORMAT: 500,
  E_SOURCE_HEADER: 500,
  E_MAPPING: 500,
  E_STORE: 500,
  E_NO_INDEX: 503,
  E_BREACH: 404,
  E_INPUT: 400,
  E_PROTOCOL: 400,
  E_PROOF: 502,
  E_RATE_LIMITED: 429,
  // Failing closed (issue 7): the server is up but cannot check the budget; 503 with Retry-After (RFC 9110 §15.6.4).
  E_RATE_LIMIT_UNAVAILABLE: 503,
  E_BAD_REQUEST: 400,
  E_NOT_FOUND: 404,
  E_METHOD_NOT_ALLOWED: 405,
  E_PAYLOAD_TOO_LARGE: 413,
  E_UNSUPPORTED_MEDIA_TYPE: 415,
  E_UNKNOWN_KEY: 400,
  E_UNKNOWN_INDEX: 404,
  E_NETWORK: 502,
  E_INTERNAL: 500,
  E_UNAUTHORIZED: 401,
  // Produced by `vigie report`; over HTTP only if a dossier is requested that cannot be produced.
  E_DOSSIER: 409,
  E_DOSSIER_LATE: 409,
};

export interface HttpError {
  status: number;
  code: ErrorCode;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  validation?: { instancePath?: string; message?: string }[];
  validationContext?: string;
}

/** Statuses Fastify itself may raise for a bad request, and our code for each. */
const FRAMEWORK_CODES: Record<number, ErrorCode> = {
  400: 'E_BAD_REQUEST',
  404: 'E_NOT_FOUND',
  405: 'E_METHOD_NOT_ALLOWED',
  413: 'E_PAYLOAD_TOO_LARGE',
  415: 'E_UNSUPPORTED_MEDIA_TYPE',
};

/** Classifies anything thrown while serving a request. Unknown errors are 500 E_INTERNAL with a fixed message. */
export function toHttpError(error: unknown): HttpError {
  if (isVigieError(error)) {
    const status = HTTP_STATUS[error.code];
    // A server-side failure's message may name a path or an internal detail: the client gets the code's meaning.
    return { status, code: error.code, message: status >= 500 ? ERROR_CODES[error.code] : error.message };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    // Ajv messages name the schema rule and the path ("body/blinded must NOT have more than 8 items"), not the data.
    const first = e.validation[0];
    const where = `${e.validationContext ?? 'request'}${first?.instancePath ?? ''}`;
    return { status: 400, code: 'E_BAD_REQUEST', message: `${where} ${first?.message ?? 'is invalid'}` };
  }
  const status = e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = FRAMEWORK_CODES[status] ?? 'E_BAD_REQUEST';
    // A client error never becomes a 5xx; an odd 4xx from the framework (e.g. 406) keeps its status.
    return { status, code, message: code === 'E_BAD_REQUEST' ? 'the request is malformed' : ERROR_CODES[code] };
  }
  return { status: 500, code: 'E_INTERNAL', message: ERROR_CODES.E_INTERNAL };
}
