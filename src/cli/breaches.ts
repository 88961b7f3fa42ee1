// `vigie breaches`: what the store holds, as aggregate counts only.

import { categoriesOf } from '../identifiers/categories.js';
import { loadConfig, openStore } from './context.js';
import { println } from './io.js';
import type { Command } from './main.js';

export const breachesCommand: Command = {
  name: 'breaches',
  summary: 'list the breaches in the store with their aggregate statistics',
  usage: 'vigie breaches [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values }, io) {
    const store = await openStore(loadConfig(io), { mustExist: true });
    try {
      const indexId = await store.currentIndexId();
      const breaches = (await store.breaches()).map((b) => ({
        id: b.id,
        title: b.title,
        categories: categoriesOf(b.categories),
        updatedAt: b.updatedAt,
        stats: b.stats,
      }));
      if (values['json'] === true) {
        println(io.stdout, JSON.stringify({ indexId, breaches }));
        return 0;
      }
      println(io.stdout, `Current index: ${indexId ?? 'none'}`);
      for (const b of breaches) {
        println(io.stdout, `${b.id}  ${b.title}`);
        if (b.stats !== null) {
          println(io.stdout, `  rows ${b.stats.rowsRead} (indexed ${b.stats.rowsIndexed}, rejected ${b.stats.rowsRejected}), persons ${b.stats.persons}, minors ${b.stats.minors}`);
        }
        println(io.stdout, `  categories: ${b.categories.join(', ')}`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
