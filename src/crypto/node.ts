// Vigie's server-side cryptography (Node only): the libsodium VOPRF server, synchronous bulk key
// derivation and sealing, and key files. Browser-safe parts are in index.ts.

export {
  createVoprfServer,
  deriveKeyPair,
  generateSecretKey,
  publicKeyOf,
  type VoprfServer,
} from './voprf-server.js';
export { deriveEntryKeysSync, deriveNoticeKeysSync, openSync, sealSync } from './hkdf-seal-node.js';
export { KeyFileError, keyIdOf, readKeyFile, writeNewKeyFile, type KeyFile } from './key-file.js';
