// The notice campaign of a breach in counts: notices, opens on the portal, letters printed, e-mails by state.
// Read by `vigie notices status`, the regulator dossier and the dashboard; needs no key.

import type { SqliteStore } from '../index/sqlite-store.js';
import { lastNoticeRun } from './generate.js';
import { outboxCounts, outboxUnconfirmedIds, type OutboxCounts } from './outbox.js';

export interface NoticeFigures {
  /** Sealed notices in the store (one per person). */
  notices: number;
  openedOnPortal: number;
  /** Last `vigie notices generate`: letters printed and persons without a postal address; null if never run. */
  letters: { printed: number; withoutPostalAddress: number; generatedAt: string } | null;
  email: OutboxCounts;
  /** Of `email.sent`, messages whose end of data reached the server but whose reply was never seen. */
  emailUnconfirmed: number;
}

export function noticeFigures(store: SqliteStore, breachId: string): NoticeFigures {
  const counts = store.noticeCounts(breachId);
  const run = lastNoticeRun(store, breachId);
  return {
    notices: counts.notices,
    openedOnPortal: counts.opened,
    letters: run === null ? null : { printed: run.letters, withoutPostalAddress: run.withoutPostalAddress, generatedAt: run.generatedAt },
    email: outboxCounts(store.db, breachId),
    emailUnconfirmed: outboxUnconfirmedIds(store.db, breachId).length,
  };
}
