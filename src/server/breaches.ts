// The public description of each breach (GET /v1/breaches): what a person or a journalist may know without
// checking anything. Counts are given only in the CNIL's bands, so a small breach never reveals an exact number.

import { categoriesOf, type Category } from '../identifiers/categories.js';
import type { ControllerConfig } from '../controller/types.js';
import type { BreachRecord } from '../index/sqlite-store.js';

// The person-count bands of the CNIL's breach notification form, defined once with the regulator dossier.
import { sizeBand as personBand, type SizeBand as PersonBand } from '../report/dossier.js';

export { SIZE_BANDS as PERSON_BANDS, sizeBand as personBand, type SizeBand as PersonBand } from '../report/dossier.js';

export interface PublicBreach {
  id: string;
  title: string;
  /** The data controller (the laboratory) when the server has the controller's configuration; null without it. */
  controller: string | null;
  /** First and latest ingest of the breach's files (ISO 8601). */
  firstIngestAt: string;
  lastIngestAt: string;
  categories: Category[];
  /** Persons concerned, as a CNIL band; null before statistics exist. */
  persons: PersonBand | null;
}

/** The controller, from its configuration (controller.json) when the server was given one; null otherwise. */
export function publicBreach(record: BreachRecord, config: ControllerConfig | null = null): PublicBreach {
  return {
    id: record.id,
    title: record.title,
    controller: config === null ? null : config.controller.name,
    firstIngestAt: record.createdAt,
    lastIngestAt: record.stats?.ingestedAt ?? record.updatedAt,
    categories: categoriesOf(record.categories),
    persons: record.stats === null ? null : personBand(record.stats.persons),
  };
}
