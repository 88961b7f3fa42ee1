// The lookup client's public surface (browsers, partner apps, the CLI): the private-check client over any
// transport, and the one-line form over HTTP, `createLookupClient({ baseUrl })`.

import { createLookupClient as createClientWithTransport, type LookupClient, type LookupClientOptions } from './client.js';
import { createHttpTransport, type HttpTransportOptions } from './http-transport.js';

export { bucketHexOf, mergeMatches, type BreachMatch, type CheckResult, type IdentifierToCheck, type LookupClient, type Match } from './client.js';
export { createHttpTransport, parseRetryAfter, type HttpTransportOptions } from './http-transport.js';
export * from './protocol.js';

export type HttpLookupClientOptions = HttpTransportOptions & Pick<LookupClientOptions, 'rng'>;

/** A lookup client over a transport of one's own, or over HTTP to `baseUrl`. */
export function createLookupClient(options: LookupClientOptions | HttpLookupClientOptions): LookupClient {
  if ('transport' in options) return createClientWithTransport(options);
  const { rng, ...http } = options;
  return createClientWithTransport({ transport: createHttpTransport(http), ...(rng === undefined ? {} : { rng }) });
}

/** The private check against a Vigie server: `createHttpLookupClient("https://vigie.example.fr").checkQuery({ nir })`. */
export function createHttpLookupClient(baseUrl: string): LookupClient {
  return createLookupClient({ baseUrl });
}
