import { describe, expect, it } from 'vitest';
import { formatNoticeCode, generateNoticeCode } from '../crypto/notice-code.js';
import { deriveNoticeKeysSync, sealSync } from '../crypto/node.js';
import { decodeNotice, encodeNotice, openNoticeByCode, type NoticeDocument } from './notice.js';

const doc: NoticeDocument = {
  v: 1,
  breach: 'labs-2021',
  reference: 'LABS-2021-000042',
  lang: 'fr',
  issuedAt: '2026-11-23',
  labs: ['Laboratoire du Centre'],
  categories: ['identity', 'nir', 'health_comment'],
  masked: { nir: '2 55 08 ** *** *** 38', email: 'j***@example.fr' },
};

describe('sealed notices (DESIGN §5)', () => {
  it('opens with the code as typed, in any tolerated spelling, and only the id is fetched', async () => {
    const code = generateNoticeCode();
    const { noticeId, noticeKey } = deriveNoticeKeysSync(code);
    const sealed = sealSync(noticeKey, encodeNotice(doc));
    const asked: string[] = [];
    const fetch = async (id: string) => (asked.push(id), id === noticeId ? sealed : null);
    const typed = ` ${formatNoticeCode(code).toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l')} `;
    await expect(openNoticeByCode(typed, fetch)).resolves.toEqual({ status: 'ok', notice: doc });
    expect(asked).toEqual([noticeId]);
    expect(asked.join()).not.toContain(code);
  });

  it('says unknown for an unknown code, a notice sealed under another key, or a tampered one', async () => {
    const a = generateNoticeCode();
    const b = generateNoticeCode();
    const other = sealSync(deriveNoticeKeysSync(b).noticeKey, encodeNotice(doc));
    await expect(openNoticeByCode(a, async () => null)).resolves.toEqual({ status: 'unknown' });
    await expect(openNoticeByCode(a, async () => other)).resolves.toEqual({ status: 'unknown' });
    const good = sealSync(deriveNoticeKeysSync(a).noticeKey, encodeNotice(doc));
    good[3] = good[3]! ^ 1;
    await expect(openNoticeByCode(a, async () => good)).resolves.toEqual({ status: 'unknown' });
    await expect(openNoticeByCode('ABCD-EFGH', async () => null)).resolves.toEqual({ status: 'invalid-code' });
  });

  it('refuses documents of another shape', () => {
    const enc = new TextEncoder();
    expect(decodeNotice(enc.encode('not json'))).toBeNull();
    expect(decodeNotice(enc.encode(JSON.stringify({ ...doc, v: 2 })))).toBeNull();
    expect(decodeNotice(enc.encode(JSON.stringify({ ...doc, categories: ['secrets'] })))).toBeNull();
    expect(decodeNotice(enc.encode(JSON.stringify({ ...doc, masked: { nir: 1 } })))).toBeNull();
  });
});
