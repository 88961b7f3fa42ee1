// The OpenAPI 3.1 description of the Lookup API, served at /v1/openapi.json and kept verbatim at docs/openapi.json
// (a test checks both, and that every route is described). Built from the validation schemas themselves.

import {
  breachesResponseSchema,
  bucketParamsSchema,
  errorSchema,
  evaluateBodySchema,
  evaluateResponseSchema,
  healthResponseSchema,
  keysResponseSchema,
  manifestSchema,
  noticeParamsSchema,
} from './schemas.js';

const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const rateLimitedResponse = {
  description: 'E_RATE_LIMITED',
  headers: { 'Retry-After': { description: 'whole seconds to wait', schema: { type: 'integer', minimum: 1 } } },
  content: json({ $ref: '#/components/schemas/Error' }),
};
/** With VIGIE_REDIS_URL and the default VIGIE_REDIS_FAILURE=closed: Redis unreachable, the limited routes refuse. */
const limiterUnavailableResponse = {
  description: 'E_RATE_LIMIT_UNAVAILABLE: the shared rate-limit store (Redis) is unreachable and the server fails closed',
  headers: { 'Retry-After': { description: 'whole seconds to wait', schema: { type: 'integer', minimum: 1 } } },
  content: json({ $ref: '#/components/schemas/Error' }),
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Vigie Lookup API',
    version: '1',
    description:
      'Lookup protocol v1: a private check of whether an identifier is in a leaked file. The client blinds its ' +
      'identifiers (RFC 9497 VOPRF, ristretto255-SHA512), so the server never learns what is checked. See docs/protocol.md. ' +
      'Every error is {"error":{"code","message"}} with a stable code listed in docs/errors.md.',
    license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
  },
  paths: {
    '/v1/keys': {
      get: {
        operationId: 'getKeys',
        summary: 'The published VOPRF public keys',
        responses: { '200': { description: 'the keys', content: json(keysResponseSchema) } },
      },
    },
    '/v1/index': {
      get: {
        operationId: 'getIndex',
        summary: 'The manifest of the current index',
        responses: {
          '200': { description: 'the manifest', content: json(manifestSchema) },
          '503': errorResponse('E_NO_INDEX: no index has been published yet'),
        },
      },
    },
    '/v1/evaluate': {
      post: {
        operationId: 'evaluate',
        summary: 'Blind evaluation of 1 to 8 elements with one DLEQ proof (rate-limited; a batch of n costs n)',
        requestBody: { required: true, content: json(evaluateBodySchema) },
        responses: {
          '200': { description: 'the evaluated elements and the batched proof', content: json(evaluateResponseSchema) },
          '400': errorResponse('E_BAD_REQUEST (schema), E_PROTOCOL (an element is not a valid non-identity ristretto255 element), E_UNKNOWN_KEY'),
          '413': errorResponse('E_PAYLOAD_TOO_LARGE'),
          '415': errorResponse('E_UNSUPPORTED_MEDIA_TYPE: the body must be application/json'),
          '429': rateLimitedResponse,
          '503': limiterUnavailableResponse,
        },
      },
    },
    '/v1/indexes/{indexId}/buckets/{hex}': {
      get: {
        operationId: 'getBucket',
        summary: 'One padded bucket of an index: entriesPerBucket entries of entrySize bytes, immutable',
        parameters: [
          { name: 'indexId', in: 'path', required: true, schema: bucketParamsSchema.properties.indexId },
          { name: 'hex', in: 'path', required: true, schema: bucketParamsSchema.properties.hex },
          { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'the entries concatenated',
            headers: {
              ETag: { description: 'strong validator', schema: { type: 'string' } },
              'Cache-Control': { schema: { type: 'string', const: 'public, max-age=31536000, immutable' } },
            },
            content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
          },
          '304': { description: 'not modified (If-None-Match matched the ETag)' },
          '400': errorResponse('E_BAD_REQUEST: malformed indexId or hex'),
          '404': errorResponse('E_UNKNOWN_INDEX, or E_NOT_FOUND: the hex is not a bucket of this index'),
        },
      },
    },
    '/v1/breaches': {
      get: {
        operationId: 'getBreaches',
        summary: 'Public description of each breach, with counts in CNIL bands',
        responses: { '200': { description: 'the breaches', content: json(breachesResponseSchema) } },
      },
    },
    '/v1/notices/{noticeId}': {
      get: {
        operationId: 'getNotice',
        summary:
          'The sealed bytes of one notice (DESIGN §5): AES-256-GCM under a key derived from the letter code, which only the ' +
          'person holds; the id is derived from the same code in the browser. Rate-limited per address on its own budget.',
        parameters: [{ name: 'noticeId', in: 'path', required: true, schema: noticeParamsSchema.properties.noticeId }],
        responses: {
          '200': { description: 'the sealed notice', content: { 'application/octet-stream': { schema: { type: 'string', contentEncoding: 'binary' } } } },
          '400': errorResponse('E_BAD_REQUEST: the id is not 22 characters of canonical base64url'),
          '404': errorResponse('E_NOT_FOUND: no notice has this id'),
          '429': rateLimitedResponse,
          '503': limiterUnavailableResponse,
        },
      },
    },
    '/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
      },
    },
    '/healthz': {
      get: {
        operationId: 'getHealth',
        summary: 'Liveness, and whether an index is published',
        responses: { '200': { description: 'up', content: json(healthResponseSchema) } },
      },
    },
    '/metrics': {
      get: {
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text format 0.0.4): requests, latency, evaluations, rate-limited requests',
        responses: { '200': { description: 'metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
  },
  components: { schemas: { Error: errorSchema } },
} as const;
