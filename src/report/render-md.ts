// The dossier document as Markdown (GitHub-flavoured tables), for reading, diffing and pasting into the CNIL form.

import type { Block, DossierDocument } from './document.js';

/** Table cells: pipes escaped and line breaks flattened so that a free text cannot break the table. */
const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function block(b: Block): string[] {
  switch (b.kind) {
    case 'pairs':
      return ['| | |', '|---|---|', ...b.rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`), ''];
    case 'list':
      return [...(b.title === undefined ? [] : [`**${b.title}**`, '']), ...b.items.map((i) => `- ${i.replace(/\n/g, ' ')}`), ''];
    case 'table': {
      const align = b.head.map((_, i) => (b.align?.[i] === 'right' ? '---:' : '---'));
      return [
        ...(b.title === undefined ? [] : [`**${b.title}**`, '']),
        `| ${b.head.map(cell).join(' | ')} |`,
        `|${align.join('|')}|`,
        ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
        '',
      ];
    }
    case 'chart': {
      const max = Math.max(1, ...b.bars.map((x) => x.value));
      const width = Math.max(...b.bars.map((x) => x.label.length), 1);
      return [
        `**${b.title}**`,
        '',
        '```',
        ...b.bars.map((x) => `${x.label.padEnd(width)}  ${'█'.repeat(Math.round((x.value / max) * 40)).padEnd(40)}  ${x.value}`),
        '```',
        '',
      ];
    }
    case 'text':
      return [b.text, ''];
  }
}

export function renderMarkdown(doc: DossierDocument): string {
  const lines = [`# ${doc.title}`, '', `*${doc.subtitle}*`, ''];
  for (const section of doc.sections) {
    lines.push(`## ${section.title}`, '');
    for (const b of section.blocks) lines.push(...block(b));
  }
  lines.push('---', '', `*${doc.footer}*`, '');
  return lines.join('\n');
}
