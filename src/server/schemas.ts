// JSON Schemas of lookup protocol v1 (DESIGN §4): Fastify validates requests with them (Ajv, no coercion, no
// removal of unknown properties) and the OpenAPI document is built from the same objects, so they cannot drift.

import { CATEGORIES } from '../identifiers/categories.js';
import { MAX_BATCH, PROTOCOL_SUITE } from '../lookup/protocol.js';
import { PERSON_BANDS } from './breaches.js';

/** base64url without padding of 32 bytes: 43 characters (RFC 4648 §5), the last one ending in 2 zero bits (canonical). */
export const ELEMENT_PATTERN = '^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$';
export const INDEX_ID_PATTERN = '^[0-9a-f]{32}$';
/** ceil(b/4) lower-case hex digits for b <= 32 bucket bits. */
export const BUCKET_HEX_PATTERN = '^[0-9a-f]{1,8}$';
export const KEY_ID_PATTERN = '^[A-Za-z0-9._-]{1,64}$';

const b64u = (bytes: number, description: string) => ({
  type: 'string',
  pattern: '^[A-Za-z0-9_-]*$',
  minLength: Math.ceil((bytes * 4) / 3),
  maxLength: Math.ceil((bytes * 4) / 3),
  description,
});

export const errorSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', pattern: '^E_[A-Z_]+$', description: 'stable code, see docs/errors.md' },
        message: { type: 'string', description: 'for people; never echoes the request' },
      },
    },
  },
} as const;

export const evaluateBodySchema = {
  type: 'object',
  required: ['keyId', 'blinded'],
  additionalProperties: false,
  properties: {
    keyId: { type: 'string', pattern: KEY_ID_PATTERN, description: 'the keyId of the current manifest, from GET /v1/keys' },
    blinded: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH,
      items: { type: 'string', pattern: ELEMENT_PATTERN, description: 'b64u of a 32-byte ristretto255 blinded element (RFC 9497 §3.3.2)' },
    },
  },
} as const;

export const evaluateResponseSchema = {
  type: 'object',
  required: ['evaluated', 'proof'],
  additionalProperties: false,
  properties: {
    evaluated: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH,
      items: b64u(32, 'b64u of a 32-byte evaluated element, in the order of "blinded"'),
    },
    proof: b64u(64, 'b64u of the batched DLEQ proof c || s (RFC 9497 §2.2.1)'),
  },
} as const;

export const bucketParamsSchema = {
  type: 'object',
  required: ['indexId', 'hex'],
  additionalProperties: false,
  properties: {
    indexId: { type: 'string', pattern: INDEX_ID_PATTERN },
    hex: { type: 'string', pattern: BUCKET_HEX_PATTERN },
  },
} as const;

/** b64u of 16 bytes: 22 characters, the last one ending in 4 zero bits (canonical), as derived in DESIGN §5. */
export const NOTICE_ID_PATTERN = '^[A-Za-z0-9_-]{21}[AQgw]$';

export const noticeParamsSchema = {
  type: 'object',
  required: ['noticeId'],
  additionalProperties: false,
  properties: { noticeId: { type: 'string', pattern: NOTICE_ID_PATTERN, description: 'b64u(HKDF-SHA256(code, "vigie/v1/notice-id"), 16 bytes)' } },
} as const;

export const keysResponseSchema = {
  type: 'object',
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['keyId', 'suite', 'mode', 'publicKey'],
        properties: {
          keyId: { type: 'string' },
          suite: { type: 'string', const: PROTOCOL_SUITE },
          mode: { type: 'string', const: 'voprf' },
          publicKey: b64u(32, 'b64u of the 32-byte ristretto255 public key pkS'),
        },
      },
    },
  },
} as const;

const categorySchema = { type: 'string', enum: [...CATEGORIES] } as const;

export const manifestSchema = {
  type: 'object',
  required: ['indexId', 'keyId', 'bucketBits', 'entrySize', 'entriesPerBucket', 'breaches'],
  properties: {
    indexId: { type: 'string', pattern: INDEX_ID_PATTERN },
    keyId: { type: 'string' },
    bucketBits: { type: 'integer', minimum: 1, maximum: 32 },
    entrySize: { type: 'integer', description: 'bytes per entry: 16-byte tag || AES-256-GCM sealed payload' },
    entriesPerBucket: { type: 'integer', description: 'every bucket holds exactly this many entries (padding)' },
    breaches: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'title', 'categories'],
        properties: { id: { type: 'string' }, title: { type: 'string' }, categories: { type: 'array', items: categorySchema } },
      },
    },
    createdAt: { type: 'string', format: 'date-time' },
    bucketBaseUrl: {
      type: 'string',
      format: 'uri',
      pattern: '^https?://[^?#]+$',
      description:
        'when present, fetch buckets at {bucketBaseUrl}/v1/indexes/{indexId}/buckets/{hex} (a trailing slash of bucketBaseUrl removed) ' +
        'instead of from the API: a static host or CDN serving the tree of vigie export. An absolute http(s) URL without query, ' +
        'fragment or credentials; a client refuses any other. The bytes and the size check are the same.',
    },
  },
} as const;

export const breachesResponseSchema = {
  type: 'object',
  required: ['breaches'],
  properties: {
    breaches: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'title', 'controller', 'firstIngestAt', 'lastIngestAt', 'categories', 'persons'],
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          controller: { type: ['string', 'null'] },
          firstIngestAt: { type: 'string', format: 'date-time' },
          lastIngestAt: { type: 'string', format: 'date-time' },
          categories: { type: 'array', items: categorySchema },
          persons: { type: ['string', 'null'], enum: [...PERSON_BANDS, null], description: 'persons concerned, as a CNIL band' },
        },
      },
    },
  },
} as const;

export const healthResponseSchema = {
  type: 'object',
  required: ['status', 'index'],
  properties: {
    status: { type: 'string', const: 'ok' },
    index: { type: 'boolean', description: 'an index is published' },
    rateLimit: { type: 'string', enum: ['up', 'down'], description: 'only with VIGIE_REDIS_URL: whether Redis answered last time it was asked' },
  },
} as const;
