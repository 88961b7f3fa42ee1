// docs/openapi.json is the document the server serves, and it describes every route (run with
// VIGIE_UPDATE_DOCS=1 to rewrite the file after changing a schema).

import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, registeredRoutes } from './app.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { createFixture, type Fixture } from './test-fixture.js';

const DOC = new URL('../../docs/openapi.json', import.meta.url);
const serialized = `${JSON.stringify(OPENAPI_DOCUMENT, null, 2)}\n`;
if (process.env['VIGIE_UPDATE_DOCS'] === '1') writeFileSync(DOC, serialized);

let f: Fixture;
beforeAll(async () => {
  f = await createFixture({ count: 1 });
});
afterAll(() => f?.cleanup());

/** OpenAPI writes {name} where Fastify writes :name. */
const toOpenApiPath = (url: string): string => url.replace(/:([A-Za-z]+)/g, '{$1}');

describe('OpenAPI document', () => {
  it('is served at /v1/openapi.json, identical to docs/openapi.json', async () => {
    const app = createApp({ service: f.service, store: f.store });
    const response = await app.inject('/v1/openapi.json');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(JSON.parse(readFileSync(DOC, 'utf8')));
    expect(readFileSync(DOC, 'utf8')).toBe(serialized);
  });

  it('describes every route the server has, and no other', () => {
    const app = createApp({ service: f.service, store: f.store });
    const routes = registeredRoutes(app).map((r) => `${r.method} ${toOpenApiPath(r.url)}`);
    const documented = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.length).toBeGreaterThanOrEqual(8);
    expect([...routes].sort()).toEqual([...documented].sort());
  });

  it('documents every error code the server can answer with', () => {
    const text = JSON.stringify(OPENAPI_DOCUMENT);
    for (const code of ['E_BAD_REQUEST', 'E_PROTOCOL', 'E_UNKNOWN_KEY', 'E_RATE_LIMITED', 'E_UNKNOWN_INDEX', 'E_NOT_FOUND', 'E_NO_INDEX', 'E_PAYLOAD_TOO_LARGE', 'E_UNSUPPORTED_MEDIA_TYPE']) {
      expect(text).toContain(code);
    }
  });
});
