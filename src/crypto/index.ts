// Vigie's browser-safe cryptography: what the lookup client and the portal may import (no node:
// modules, no WebAssembly). Server-side parts (libsodium VOPRF server, node:crypto bulk sealing,
// key files) are in node.ts.

export { b64uDecode, b64uEncode } from './encoding.js';
export { SUITE_ID, blind, finalizeBatch, isValidElement, type BlindResult, type RandomBytes } from './voprf-client.js';
export { deriveEntryKeys, deriveNoticeKeys, open, seal } from './hkdf-seal.js';
export { formatNoticeCode, generateNoticeCode, parseNoticeCode } from './notice-code.js';
