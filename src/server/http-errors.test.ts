import { describe, expect, it } from 'vitest';
import { ERROR_CODES, VigieError, type ErrorCode } from '../errors.js';
import { HTTP_STATUS, toHttpError } from './http-errors.js';

describe('errors as HTTP answers', () => {
  it('gives every code a 4xx or 5xx status', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(HTTP_STATUS.E_RATE_LIMITED).toBe(429);
    expect(HTTP_STATUS.E_NO_INDEX).toBe(503);
  });

  it('keeps a client error\'s message and hides a server error\'s', () => {
    expect(toHttpError(new VigieError('E_PROTOCOL', 'blinded element 1 is not valid'))).toEqual({ status: 400, code: 'E_PROTOCOL', message: 'blinded element 1 is not valid' });
    expect(toHttpError(new VigieError('E_STORE', 'cannot open /srv/vigie/vigie.db'))).toEqual({ status: 500, code: 'E_STORE', message: ERROR_CODES.E_STORE });
    expect(toHttpError(new Error('nir:2550814168025'))).toEqual({ status: 500, code: 'E_INTERNAL', message: ERROR_CODES.E_INTERNAL });
  });

  it('never echoes what a framework error quotes from the request', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token n in JSON: "nir:2550814168025"'), { statusCode: 400 });
    expect(toHttpError(parse)).toEqual({ status: 400, code: 'E_BAD_REQUEST', message: 'the request is malformed' });
    const media = Object.assign(new Error('Unsupported Media Type: nir/2550814168025'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    expect(toHttpError(media)).toEqual({ status: 415, code: 'E_UNSUPPORTED_MEDIA_TYPE', message: ERROR_CODES.E_UNSUPPORTED_MEDIA_TYPE });
    const validation = Object.assign(new Error('x'), { validation: [{ instancePath: '/blinded', message: 'must NOT have more than 8 items' }], validationContext: 'body' });
    expect(toHttpError(validation)).toEqual({ status: 400, code: 'E_BAD_REQUEST', message: 'body/blinded must NOT have more than 8 items' });
  });
});
