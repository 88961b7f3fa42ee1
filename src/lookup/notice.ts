// The individual notice as sealed in the store (DESIGN §5). The browser derives noticeId and noticeKey from the code
// the person types, fetches GET /v1/notices/{noticeId} (the sealed bytes) and opens it; the server cannot read it.
// Browser-safe: WebCrypto only.

import { deriveNoticeKeys, open } from '../crypto/hkdf-seal.js';
import { parseNoticeCode } from '../crypto/notice-code.js';
import { CATEGORIES, type Category } from '../identifiers/categories.js';

export const NOTICE_FORMAT_VERSION = 1;

/** The JSON inside a sealed notice. Values are masked: the notice never holds a full identifier. */
export interface NoticeDocument {
  v: typeof NOTICE_FORMAT_VERSION;
  /** Breach id, as in GET /v1/breaches. */
  breach: string;
  /** The letter's unique reference, quoted in a complaint (not the code). */
  reference: string;
  /** Language of the letter the person received. */
  lang: 'fr' | 'en';
  /** Date the notice was issued, yyyy-mm-dd. */
  issuedAt: string;
  /** Laboratories (as named in the controller's configuration or the file) where the person's records were. */
  labs: string[];
  /** Category codes (DESIGN §3) of the person's data in the breach. */
  categories: Category[];
  /** The person's own values, masked: `2 55 08 ** *** *** 38`, `j***@example.fr`, `06 ** ** ** 78`, `J*** D***`. */
  masked: {
    name?: string;
    nir?: string;
    email?: string;
    phone?: string;
    postcode?: string;
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeNotice(doc: NoticeDocument): Uint8Array {
  return encoder.encode(JSON.stringify(doc));
}

/** Parses and checks an opened notice; null if it is not a notice of this version. */
export function decodeNotice(bytes: Uint8Array): NoticeDocument | null {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const doc = value as Partial<NoticeDocument>;
  if (doc.v !== NOTICE_FORMAT_VERSION || typeof doc.breach !== 'string' || typeof doc.reference !== 'string') return null;
  if (doc.lang !== 'fr' && doc.lang !== 'en') return null;
  if (typeof doc.issuedAt !== 'string' || !Array.isArray(doc.labs) || !doc.labs.every((l) => typeof l === 'string')) return null;
  if (!Array.isArray(doc.categories) || !doc.categories.every((c) => (CATEGORIES as readonly string[]).includes(c))) return null;
  if (typeof doc.masked !== 'object' || doc.masked === null) return null;
  for (const v of Object.values(doc.masked)) if (typeof v !== 'string') return null;
  return doc as NoticeDocument;
}

export type NoticeFetch = (noticeId: string) => Promise<Uint8Array | null>;

/**
 * What a person typed -> their notice, or a reason it could not be shown. `fetchSealed` performs
 * GET /v1/notices/{noticeId} and returns null on 404; only the derived id leaves the caller, never the code.
 */
export async function openNoticeByCode(
  typed: string,
  fetchSealed: NoticeFetch,
): Promise<{ status: 'ok'; notice: NoticeDocument } | { status: 'invalid-code' | 'unknown' }> {
  const code = parseNoticeCode(typed);
  if (code === null) return { status: 'invalid-code' };
  const { noticeId, noticeKey } = await deriveNoticeKeys(code);
  const sealed = await fetchSealed(noticeId);
  if (sealed === null) return { status: 'unknown' };
  const plain = await open(noticeKey, sealed);
  const notice = plain === null ? null : decodeNotice(plain);
  // A notice that does not open under the code's key is indistinguishable, for the person, from an unknown code.
  return notice === null ? { status: 'unknown' } : { status: 'ok', notice };
}
