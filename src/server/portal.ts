// The portal over HTTP: its pages, rendered per request in French (/) and English (/en/), and the hashed assets of
// the Vite build (dist/web), held in memory with their gzip and brotli forms. An asset is looked up by name in that
// map, never on the file system, so no request path can reach a file outside the build (no traversal).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ControllerConfig } from '../controller/types.js';
import { VigieError } from '../errors.js';
import type { LookupService } from '../index/lookup-service.js';
import type { Store } from '../index/store.js';
import type { Lang } from '../i18n/categories.js';
import { renderNotFoundPage, renderPage, type PageAssets } from '../web/pages.js';
import { buildPortalData } from '../web/portal-data.js';
import { LANGS, PAGES, PAGE_PATHS, type PageId } from '../web/routes.js';
import { publicBreach } from './breaches.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the portal's routes: they carry the portal's CSP instead of the API's. */
    portal?: boolean;
  }
}

interface Encoded {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

interface Asset extends Encoded {
  type: string;
}

export interface PortalAssets {
  page: PageAssets;
  /** File name (no directory) -> content. */
  files: ReadonlyMap<string, Asset>;
}

/** Hashed asset names as Vite writes them: name-hash.ext, nothing else (no slash, no dot-dot). */
export const ASSET_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:js|css|svg|woff2)$/;
const TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  woff2: 'font/woff2',
};
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const FAVICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d3f8f"/>' +
    '<path d="M8 16l5 5 11-11" stroke="#fff" stroke-width="4" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>',
);

function encode(body: Buffer): Encoded {
  return {
    identity: body,
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }),
  };
}

/** Reads the Vite build at `dir` (dist/web): its manifest's entry and every file under assets/. */
export function loadPortalAssets(dir: string): PortalAssets {
  let manifest: Record<string, { file: string; css?: string[]; isEntry?: boolean }>;
  try {
    manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as typeof manifest;
  } catch (error) {
    throw new VigieError('E_CONFIG', `the portal is not built in ${dir} (run "npm run build", or set VIGIE_PORTAL_DIR=off)`, { cause: error });
  }
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry === true);
  if (entry === undefined) throw new VigieError('E_CONFIG', `the portal build in ${dir} has no entry`);
  const files = new Map<string, Asset>();
  const assetsDir = join(dir, 'assets');
  for (const name of readdirSync(assetsDir)) {
    const ext = name.slice(name.lastIndexOf('.') + 1);
    if (!ASSET_NAME.test(name) || !statSync(join(assetsDir, name)).isFile()) continue;
    files.set(name, { type: TYPES[ext]!, ...encode(readFileSync(join(assetsDir, name))) });
  }
  const url = (file: string) => `/${file}`;
  return { page: { script: url(entry.file), styles: (entry.css ?? []).map(url) }, files };
}

/**
 * The pages' Content-Security-Policy (CSP Level 3): only the portal's own hashed bundle runs (no inline script or
 * style, no eval), nothing loads from another origin, no framing (clickjacking), no form posted elsewhere. The check
 * connects to this origin, plus the origin of the buckets when an index publishes them on a CDN (DESIGN §1.6).
 */
export function portalCsp(connectOrigins: readonly string[] = []): string {
  return (
    `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src ${["'self'", ...connectOrigins].join(' ')}; ` +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
  );
}

/** The origin of an absolute http(s) bucketBaseUrl, for connect-src; none for a relative one (same origin) or junk. */
export function bucketOrigin(bucketBaseUrl: string | undefined): string[] {
  if (bucketBaseUrl === undefined || !/^https?:\/\//i.test(bucketBaseUrl)) return [];
  try {
    return [new URL(bucketBaseUrl).origin];
  } catch {
    return [];
  }
}

/** RFC 9110 §12.5.3: the best coding the client accepts (a q=0 refuses it). */
function coding(request: FastifyRequest): keyof Encoded {
  const header = String(request.headers['accept-encoding'] ?? '');
  const accepted = (name: string) => new RegExp(`(?:^|,)\\s*${name}\\s*(?:;\\s*q\\s*=\\s*(?!0(?:\\.0*)?\\s*(?:,|$))[\\d.]+)?\\s*(?:,|$)`, 'i').test(header);
  if (accepted('br')) return 'br';
  if (accepted('gzip')) return 'gzip';
  return 'identity';
}

/** Sends the body in the coding the client prefers; `body` gives each coding (precomputed or on demand). */
function send(request: FastifyRequest, reply: FastifyReply, body: (coding: keyof Encoded) => Buffer, type: string): FastifyReply {
  const chosen = coding(request);
  if (chosen !== 'identity') reply.header('Content-Encoding', chosen);
  return reply.header('Vary', 'Accept-Encoding').type(type).send(body(chosen));
}

/** Compresses a per-request body in the one coding asked for (pages are a few KB: fast levels are enough). */
function onDemand(body: Buffer): (coding: keyof Encoded) => Buffer {
  return (c) => (c === 'br' ? brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } }) : c === 'gzip' ? gzipSync(body) : body);
}

export interface PortalOptions {
  assets: PortalAssets;
  service: Pick<LookupService, 'keys'>;
  store: Pick<Store, 'breaches' | 'manifest'>;
  controller: ControllerConfig | null;
  /** The bucket host GET /v1/index announces (VIGIE_BUCKET_BASE_URL), whose origin the check may connect to. */
  bucketBaseUrl?: string | null;
}

/** What the server's not-found handler asks of the portal: a page for a browser that asked for an unknown address. */
export interface Portal {
  /** The HTML of the not-found page in the address's language (English under /en/). */
  notFoundPage(path: string): Promise<string>;
}

export function registerPortal(app: FastifyInstance, options: PortalOptions): Portal {
  const { assets, service, store, controller } = options;
  const config = { portal: true };
  const dataIn = async (lang: Lang) => buildPortalData(lang, (await store.breaches()).map((record) => publicBreach(record, controller)), controller);

  async function page(pageId: PageId, lang: Lang, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const manifest = await store.manifest();
    let key: { keyId: string; publicKey: string; indexId: string } | null = null;
    if (manifest !== null && pageId === 'technical') {
      const published = (await service.keys()).keys.find((k) => k.keyId === manifest.keyId);
      if (published !== undefined) key = { keyId: published.keyId, publicKey: published.publicKey, indexId: manifest.indexId };
    }
    const html = renderPage(pageId, lang, { data: await dataIn(lang), assets: assets.page, key });
    // Pages change when an index is published or the configuration changes: revalidate, never store in a shared cache.
    reply.header('Cache-Control', 'no-cache').header('Content-Language', lang);
    const cdn = bucketOrigin(options.bucketBaseUrl ?? manifest?.bucketBaseUrl);
    if (cdn.length > 0) reply.header('Content-Security-Policy', portalCsp(cdn));
    return send(request, reply, onDemand(Buffer.from(html)), 'text/html; charset=utf-8');
  }

  for (const lang of LANGS) {
    for (const pageId of PAGES) {
      app.get(PAGE_PATHS[lang][pageId], { config }, (request, reply) => page(pageId, lang, request, reply));
    }
  }
  // "/en" without its slash is the English home page too.
  app.get('/en', { config }, async (_request, reply) => reply.redirect(PAGE_PATHS.en.check, 301));

  app.get('/favicon.svg', { config }, async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=86400').type('image/svg+xml').send(FAVICON),
  );

  app.get<{ Params: { file: string } }>(
    '/assets/:file',
    { config, schema: { params: { type: 'object', required: ['file'], additionalProperties: false, properties: { file: { type: 'string', pattern: ASSET_NAME.source } } } } },
    async (request, reply) => {
      const asset = assets.files.get(request.params.file);
      if (asset === undefined) throw new VigieError('E_NOT_FOUND', 'no such asset');
      // The name carries a hash of the content: it never changes, so browsers keep it for a year (RFC 8246).
      reply.header('Cache-Control', ASSET_CACHE_CONTROL);
      return send(request, reply, (c) => asset[c], asset.type);
    },
  );

  return {
    notFoundPage: async (path) => {
      const lang: Lang = path === '/en' || path.startsWith('/en/') ? 'en' : 'fr';
      return renderNotFoundPage(lang, { data: await dataIn(lang), assets: assets.page, key: null });
    },
  };
}
