// SqliteStore.replaceNotices (added for notices generate): a breach's notices replaced in one transaction, never
// another breach's.

import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { createWorkspace, type Workspace } from './helpers.js';

const sealed = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

describe('replaceNotices', () => {
  let ws: Workspace;
  let store: SqliteStore;
  afterEach(() => {
    store?.close();
    ws?.cleanup();
  });

  it('replaces every notice of the breach, keeps the other breaches, and refuses an id another breach owns', () => {
    ws = createWorkspace();
    store = new SqliteStore(ws.db);
    store.putNotices('b1', [{ noticeId: 'old-1', sealed: sealed(1) }, { noticeId: 'old-2', sealed: sealed(2) }]);
    store.putNotices('b2', [{ noticeId: 'other', sealed: sealed(3) }]);
    expect(store.replaceNotices('b1', [{ noticeId: 'new-1', sealed: sealed(4) }])).toBe(1);
    expect(store.notice('old-1')).toBeNull();
    expect(store.notice('new-1')).toEqual(sealed(4));
    expect(store.noticeCounts('b1').notices).toBe(1);
    expect(store.noticeCounts('b2').notices).toBe(1);
    expect(() => store.replaceNotices('b1', [{ noticeId: 'new-2', sealed: sealed(5) }, { noticeId: 'other', sealed: sealed(6) }])).toThrow(/collision with another breach/);
    // The failed replacement changed nothing.
    expect(store.notice('new-1')).toEqual(sealed(4));
    expect(store.notice('new-2')).toBeNull();
    expect(store.notice('other')).toEqual(sealed(3));
  });
});
