// The portal's browser bundle: web/main.ts and what it imports from src/, built into dist/web with hashed names and
// a manifest the server reads (src/server/portal.ts). No HTML here: the server renders the pages.
//
// One substitution: src/identifiers/phone.ts (libphonenumber with full metadata, ~50 KB gzipped) is replaced in the
// bundle by src/web/phone.ts, which gives the same canonical form from a generated prefix table and loads the full
// library as a separate chunk only for numbers the table cannot decide (src/web/phone.test.ts proves the equality).

import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const serverPhone = fileURLToPath(new URL('../src/identifiers/phone.ts', import.meta.url));
const browserPhone = fileURLToPath(new URL('../src/web/phone.ts', import.meta.url));

function browserPhoneModule(): Plugin {
  return {
    name: 'vigie-browser-phone',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved !== null && resolved.id === serverPhone ? browserPhone : null;
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  plugins: [browserPhoneModule()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // No inline polyfill script (the CSP allows none); module preloading is native in every browser that runs ES2022.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    rollupOptions: { input: fileURLToPath(new URL('./main.ts', import.meta.url)) },
  },
});
