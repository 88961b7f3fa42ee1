// `vigie report`: the regulator dossier of a breach (GDPR art. 33), computed from the data.

import { loadControllerConfig } from '../controller/config.js';
import { VigieError } from '../errors.js';
import { writeReport } from '../report/run.js';
import { loadConfig, openSqliteStore } from './context.js';
import { println } from './io.js';
import type { Command } from './main.js';

function required(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new VigieError('E_USAGE', `${flag} is required`);
  return value;
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'the regulator dossier of a breach (GDPR art. 33): JSON, Markdown, PDF, register line',
  usage: 'vigie report --breach ID --controller FILE --out DIR [--phase initial|complementary] [--ref REF] [--delay-reason TEXT] [--json]',
  options: {
    breach: { type: 'string' },
    controller: { type: 'string' },
    out: { type: 'string' },
    phase: { type: 'string', default: 'initial' },
    ref: { type: 'string' },
    'delay-reason': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const breachId = required(values['breach'], '--breach ID');
    const config = loadControllerConfig(required(values['controller'], '--controller FILE'));
    const outDir = required(values['out'], '--out DIR');
    const phase = values['phase'];
    if (phase !== 'initial' && phase !== 'complementary') throw new VigieError('E_USAGE', '--phase must be initial or complementary');
    const delay = values['delay-reason'];
    if (typeof delay === 'string' && delay.trim() === '') throw new VigieError('E_USAGE', '--delay-reason must not be empty');
    const store = openSqliteStore(loadConfig(io), { mustExist: true, command: 'vigie report' });
    try {
      const { dossier, files } = await writeReport({
        store,
        config,
        breachId,
        outDir,
        phase,
        reference: typeof values['ref'] === 'string' ? values['ref'] : null,
        delayReason: typeof delay === 'string' ? delay : null,
      });
      if (values['json'] === true) {
        println(io.stdout, JSON.stringify({ sequence: dossier.sequence, phase: dossier.notification.phase, persons: dossier.persons.count, band: dossier.persons.band, hoursElapsed: dossier.clock.hoursElapsed, late: dossier.clock.late, deadline: dossier.clock.deadline, files }));
      } else {
        println(io.stdout, `Dossier ${dossier.sequence} (${dossier.notification.phase}) for breach ${breachId}: ${dossier.persons.count} persons (band ${dossier.persons.band}), ${dossier.persons.minors} minors, ${dossier.data.categories.length} data categories.`);
        println(io.stdout, `72-hour clock: ${dossier.clock.hoursElapsed} h since awareness, deadline ${dossier.clock.deadline}${dossier.clock.late ? ' (late: the reason for the delay is in the dossier)' : ''}.`);
        println(io.stdout, `Written (no personal data): ${files.join(', ')}`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
