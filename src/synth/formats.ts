// How values are written in the file: one canonical way in clean mode, and in dirty mode every way
// real exports write them (DATA.md §1 and §3): mixed date formats, spaced NIRs, phones in eight forms.

import { ymdOf } from './calendar.js';
import type { NirKeyInFile, Phone } from './person.js';
import { weighted, type Random } from './random.js';

export interface Formatter {
  date(day: number): string;
  /** `body` is the 13-character NIR body; `key` the key to show (ignored when the key is 'missing'). */
  nir(body: string, key: string, state: NirKeyInFile): string;
  phone(phone: Phone): string;
  name(name: string): string;
  email(email: string): string;
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** dd/mm/yyyy, the format of DATA.md §1 and of the truth file. */
export function frenchDate(day: number): string {
  const { year, month, day: d } = ymdOf(day);
  return `${pad2(d)}/${pad2(month)}/${year}`;
}

/** A phone as its owner would type it: '06 12 34 56 78', overseas '0690 12 34 56'. */
export function typedPhone(phone: Phone): string {
  const n = phone.national;
  if (phone.callingCode !== '33') return `${n.slice(0, 4)} ${n.slice(4, 6)} ${n.slice(6, 8)} ${n.slice(8, 10)}`;
  return pairs(n).join(' ');
}

function pairs(digits: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < digits.length; i += 2) out.push(digits.slice(i, i + 2));
  return out;
}

export const cleanFormatter: Formatter = {
  date: frenchDate,
  nir: (body, key, state) => (state === 'missing' ? body : body + key),
  phone: (phone) => phone.national,
  name: (name) => name,
  email: (email) => email,
};

type DateStyle = 'fr' | 'iso' | 'dash' | 'dot';
const DATE_STYLES = weighted<DateStyle>([['fr', 60], ['iso', 25], ['dash', 8], ['dot', 7]]);
type NirStyle = 'compact' | 'spaced' | 'dotted' | 'keyApart';
const NIR_STYLES = weighted<NirStyle>([['compact', 45], ['spaced', 40], ['dotted', 8], ['keyApart', 7]]);
type PhoneStyle = 'compact' | 'spaced' | 'dotted' | 'dashed' | 'plus' | 'plusZero' | 'doubleZero' | 'bare';
const MAINLAND_PHONE_STYLES = weighted<PhoneStyle>([
  ['compact', 20], ['spaced', 25], ['dotted', 15], ['dashed', 8], ['plus', 12], ['plusZero', 6], ['doubleZero', 6], ['bare', 8],
]);
type NameStyle = 'upper' | 'title' | 'lower' | 'upperAscii';
const NAME_STYLES = weighted<NameStyle>([['upper', 50], ['title', 30], ['lower', 10], ['upperAscii', 10]]);

/** The dirty writer: every call draws its own style, so one person's two rows may differ. */
export function createDirtyFormatter(random: Random): Formatter {
  return {
    date(day) {
      const { year, month, day: d } = ymdOf(day);
      switch (DATE_STYLES.pick(random)) {
        case 'fr':
          return `${pad2(d)}/${pad2(month)}/${year}`;
        case 'iso':
          return `${year}-${pad2(month)}-${pad2(d)}`;
        case 'dash':
          return `${pad2(d)}-${pad2(month)}-${year}`;
        case 'dot':
          return `${pad2(d)}.${pad2(month)}.${year}`;
      }
    },

    nir(body, key, state) {
      // Corsican departments are sometimes typed in lower case (`2a`).
      const text = /[AB]/.test(body) && random.chance(0.4) ? body.toLowerCase() : body;
      const groups = [text.slice(0, 1), text.slice(1, 3), text.slice(3, 5), text.slice(5, 7), text.slice(7, 10), text.slice(10, 13)];
      if (state !== 'missing') groups.push(key);
      switch (NIR_STYLES.pick(random)) {
        case 'compact':
          return groups.join('');
        case 'spaced':
          return groups.join(' ');
        case 'dotted':
          return groups.join('.');
        case 'keyApart':
          return state === 'missing' ? groups.join('') : `${text} ${key}`;
      }
    },

    phone(phone) {
      const n = phone.national;
      if (phone.callingCode !== '33') {
        // Overseas numbers: national forms, or the territory's own calling code (never +33).
        const rest = n.slice(1);
        return random.pick([
          n,
          `${n.slice(0, 4)} ${n.slice(4, 6)} ${n.slice(6, 8)} ${n.slice(8)}`,
          pairs(n).join(' '),
          pairs(n).join('.'),
          `+${phone.callingCode} ${rest.slice(0, 3)} ${rest.slice(3, 5)} ${rest.slice(5, 7)} ${rest.slice(7)}`,
        ]);
      }
      const p = pairs(n);
      const international = `${n.slice(1, 2)} ${p.slice(1).join(' ')}`;
      switch (MAINLAND_PHONE_STYLES.pick(random)) {
        case 'compact':
          return n;
        case 'spaced':
          return p.join(' ');
        case 'dotted':
          return p.join('.');
        case 'dashed':
          return p.join('-');
        case 'plus':
          return `+33 ${international}`;
        case 'plusZero':
          return `+33 (0)${international}`;
        case 'doubleZero':
          return `0033 ${international}`;
        case 'bare':
          return `33${n.slice(1)}`;
      }
    },

    name(name) {
      // Typographic apostrophe (’, byte 0x92 in 1252) as a word processor would put it.
      const typed = name.includes('\'') && random.chance(0.3) ? name.replace(/'/g, '’') : name;
      const trail = random.chance(0.03) ? ' ' : '';
      switch (NAME_STYLES.pick(random)) {
        case 'upper':
          return typed.toUpperCase() + trail;
        case 'title':
          return typed + trail;
        case 'lower':
          return typed.toLowerCase() + trail;
        case 'upperAscii':
          return stripAccents(typed).toUpperCase() + trail;
      }
    },

    email(email) {
      const x = random.next();
      const cased = x < 0.08 ? email.toUpperCase() : x < 0.18 ? email.charAt(0).toUpperCase() + email.slice(1) : email;
      return random.chance(0.1) ? ` ${cased} ` : cased;
    },
  };
}

/** Accents removed the way old systems did it (é → e, œ → oe). */
function stripAccents(text: string): string {
  return text.replace(/œ/g, 'oe').replace(/Œ/g, 'OE').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}
