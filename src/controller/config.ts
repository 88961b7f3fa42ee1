// Reads and validates controller.json (src/controller/types.ts): every refusal names the field, e.g.
// `controller.json: "dpo.email" must be an e-mail address`, so the controller can fix the file without reading code.

import { readFileSync } from 'node:fs';
import { VigieError } from '../errors.js';
import { regulatorSection } from './regulator.js';
import type {
  BreachNotice,
  ControllerConfig,
  ControllerIdentity,
  DpoContact,
  Lang,
  LetterSettings,
  Localized,
  PhoneLine,
  PostalAddress,
} from './types.js';

export const LANGS: readonly Lang[] = ['fr', 'en'];

/** Breach ids as `vigie ingest --breach` accepts them (src/index/ingest.ts). */
const BREACH_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const EMAIL = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[^\s@"<>,;]+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const MAX_TEXT = 4000;

/** Reads controller.json; throws VigieError E_CONFIG naming the file and the offending field. */
export function loadControllerConfig(path: string): ControllerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new VigieError('E_CONFIG', `controller configuration ${path} cannot be read (${code}); create one with "vigie controller init --out ${path}"`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // The file holds the controller's public details, not personal data: quoting the parser helps fix it.
    throw new VigieError('E_CONFIG', `controller configuration ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return validateControllerConfig(parsed, path);
}

/**
 * Checks a parsed controller.json and returns it typed. `source` (a path or "controller.json") prefixes every
 * message. Unknown keys are refused too: a misspelt optional field would otherwise be silently ignored.
 */
export function validateControllerConfig(value: unknown, source = 'controller.json'): ControllerConfig {
  const v = new Validator(source);
  const root = v.object(value, '');
  v.only(root, '', ['$schema', 'version', 'controller', 'dpo', 'phoneLine', 'portalUrl', 'languages', 'breaches', 'labs', 'letter', 'regulator']);
  if (root['version'] !== 1) v.fail('version', 'must be 1');
  const languages = v.array(root['languages'], 'languages', 1).map((l, i) => {
    if (typeof l !== 'string' || !(LANGS as readonly string[]).includes(l)) v.fail(`languages[${i}]`, 'must be "fr" or "en"');
    return l as Lang;
  });
  if (new Set(languages).size !== languages.length) v.fail('languages', 'lists a language twice');
  const config: ControllerConfig = {
    version: 1,
    controller: identity(v, root['controller'], 'controller'),
    dpo: dpo(v, root['dpo'], 'dpo'),
    phoneLine: phoneLine(v, root['phoneLine'], 'phoneLine'),
    portalUrl: portalUrl(v, root['portalUrl'], 'portalUrl'),
    languages,
    breaches: v.array(root['breaches'], 'breaches', 1).map((b, i) => breach(v, b, `breaches[${i}]`)),
  };
  const ids = config.breaches.map((b) => b.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) v.fail('breaches', `lists breach "${twice}" twice`);
  if (root['labs'] !== undefined) {
    const labs = v.object(root['labs'], 'labs');
    config.labs = Object.fromEntries(Object.entries(labs).map(([code, name]) => [code, v.text(name, `labs.${code}`)]));
  }
  if (root['letter'] !== undefined) config.letter = letter(v, root['letter'], 'letter');
  if (root['regulator'] !== undefined) config.regulator = regulatorSection(v, root['regulator'], 'regulator', ids);
  return config;
}

export class Validator {
  constructor(private readonly source: string) {}

  fail(field: string, problem: string): never {
    throw new VigieError('E_CONFIG', `${this.source}: ${field === '' ? 'the document' : `"${field}"`} ${problem}`);
  }

  object(value: unknown, field: string): Record<string, unknown> {
    if (value === undefined) this.fail(field, 'is missing');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be a JSON object');
    return value as Record<string, unknown>;
  }

  only(record: Record<string, unknown>, field: string, allowed: readonly string[]): void {
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) this.fail(field === '' ? key : `${field}.${key}`, `is not a known field (expected one of: ${allowed.filter((k) => k !== '$schema').join(', ')})`);
    }
  }

  array(value: unknown, field: string, min = 0): unknown[] {
    if (value === undefined) this.fail(field, 'is missing');
    if (!Array.isArray(value)) this.fail(field, 'must be a JSON array');
    if (value.length < min) this.fail(field, `must have at least ${min} item${min === 1 ? '' : 's'}`);
    return value;
  }

  text(value: unknown, field: string, max = MAX_TEXT): string {
    if (value === undefined) this.fail(field, 'is missing');
    if (typeof value !== 'string') this.fail(field, 'must be a string');
    if (value.trim() === '') this.fail(field, 'must not be empty');
    if (value.length > max) this.fail(field, `is longer than ${max} characters`);
    // Control characters would break letters (PDF text) and e-mail headers.
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) this.fail(field, 'contains a control character');
    return value;
  }

  optionalText(record: Record<string, unknown>, key: string, field: string, max = MAX_TEXT): string | undefined {
    return record[key] === undefined ? undefined : this.text(record[key], field, max);
  }

  localized(value: unknown, field: string): Localized {
    const record = this.object(value, field);
    this.only(record, field, ['fr', 'en']);
    return { fr: this.text(record['fr'], `${field}.fr`), en: this.text(record['en'], `${field}.en`) };
  }

  email(value: unknown, field: string): string {
    const text = this.text(value, field, 254);
    if (!EMAIL.test(text)) this.fail(field, 'must be an e-mail address such as dpo@example.fr');
    return text;
  }

  date(value: unknown, field: string): string {
    const text = this.text(value, field, 40);
    if (!ISO_DATE.test(text) || Number.isNaN(Date.parse(text))) this.fail(field, 'must be an ISO 8601 date (yyyy-mm-dd or a full timestamp)');
    return text;
  }
}

function address(v: Validator, value: unknown, field: string): PostalAddress {
  const r = v.object(value, field);
  v.only(r, field, ['lines', 'postcode', 'city', 'country']);
  const lines = v.array(r['lines'], `${field}.lines`, 1).map((l, i) => v.text(l, `${field}.lines[${i}]`, 200));
  if (lines.length > 4) v.fail(`${field}.lines`, 'must have at most 4 lines (a postal address block has at most 6)');
  const out: PostalAddress = { lines, postcode: v.text(r['postcode'], `${field}.postcode`, 20), city: v.text(r['city'], `${field}.city`, 100) };
  const country = v.optionalText(r, 'country', `${field}.country`, 100);
  if (country !== undefined) out.country = country;
  return out;
}

function identity(v: Validator, value: unknown, field: string): ControllerIdentity {
  const r = v.object(value, field);
  v.only(r, field, ['name', 'legalName', 'address', 'website', 'siren']);
  const out: ControllerIdentity = { name: v.text(r['name'], `${field}.name`, 200), address: address(v, r['address'], `${field}.address`) };
  const legalName = v.optionalText(r, 'legalName', `${field}.legalName`, 200);
  if (legalName !== undefined) out.legalName = legalName;
  if (r['website'] !== undefined) out.website = httpsUrl(v, r['website'], `${field}.website`);
  const siren = v.optionalText(r, 'siren', `${field}.siren`, 20);
  if (siren !== undefined) {
    if (!/^\d{9}$/.test(siren.replace(/\s/g, ''))) v.fail(`${field}.siren`, 'must be 9 digits');
    out.siren = siren;
  }
  return out;
}

function dpo(v: Validator, value: unknown, field: string): DpoContact {
  const r = v.object(value, field);
  v.only(r, field, ['name', 'email', 'phone', 'address']);
  const out: DpoContact = { name: v.text(r['name'], `${field}.name`, 200), email: v.email(r['email'], `${field}.email`) };
  const phone = v.optionalText(r, 'phone', `${field}.phone`, 40);
  if (phone !== undefined) out.phone = phone;
  if (r['address'] !== undefined) out.address = address(v, r['address'], `${field}.address`);
  return out;
}

function phoneLine(v: Validator, value: unknown, field: string): PhoneLine {
  const r = v.object(value, field);
  v.only(r, field, ['number', 'hours']);
  const number = v.text(r['number'], `${field}.number`, 40);
  if (!/^[+0-9][0-9 .()-]{5,}$/.test(number)) v.fail(`${field}.number`, 'must be a phone number as printed, e.g. "01 23 45 67 89"');
  return { number, hours: v.localized(r['hours'], `${field}.hours`) };
}

function httpsUrl(v: Validator, value: unknown, field: string): string {
  const text = v.text(value, field, 200);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return v.fail(field, 'must be an absolute https:// address');
  }
  if (url.protocol !== 'https:') v.fail(field, 'must be an https:// address');
  if (url.username !== '' || url.password !== '') v.fail(field, 'must not hold a user name or password');
  return text;
}

/**
 * The portal's address is typed by persons from a paper letter: https, no query or fragment (nothing that looks like
 * a personal link), short enough to type.
 */
function portalUrl(v: Validator, value: unknown, field: string): string {
  const text = httpsUrl(v, value, field);
  const url = new URL(text);
  if (url.search !== '' || url.hash !== '') v.fail(field, 'must not have a query (?...) or fragment (#...): people type it from a letter');
  if (text.length > 60) v.fail(field, 'is longer than 60 characters: people type it from a letter');
  return text;
}

function breach(v: Validator, value: unknown, field: string): BreachNotice {
  const r = v.object(value, field);
  v.only(r, field, ['id', 'title', 'occurredFrom', 'occurredTo', 'discoveredAt', 'summary', 'measures', 'complaintReference', 'consequences']);
  const id = v.text(r['id'], `${field}.id`, 64);
  if (!BREACH_ID.test(id)) v.fail(`${field}.id`, "must be 1-64 characters of a-z, 0-9, '.', '_' or '-' (the id given to vigie ingest --breach)");
  const out: BreachNotice = {
    id,
    title: v.localized(r['title'], `${field}.title`),
    discoveredAt: v.date(r['discoveredAt'], `${field}.discoveredAt`),
    summary: v.localized(r['summary'], `${field}.summary`),
    measures: v.array(r['measures'], `${field}.measures`, 1).map((m, i) => v.localized(m, `${field}.measures[${i}]`)),
  };
  if (r['occurredFrom'] !== undefined) out.occurredFrom = v.date(r['occurredFrom'], `${field}.occurredFrom`);
  if (r['occurredTo'] !== undefined) out.occurredTo = v.date(r['occurredTo'], `${field}.occurredTo`);
  if (out.occurredFrom !== undefined && out.occurredTo !== undefined && Date.parse(out.occurredFrom) > Date.parse(out.occurredTo)) {
    v.fail(`${field}.occurredTo`, 'is before occurredFrom');
  }
  const complaint = v.optionalText(r, 'complaintReference', `${field}.complaintReference`, 100);
  if (complaint !== undefined) out.complaintReference = complaint;
  if (r['consequences'] !== undefined) out.consequences = v.localized(r['consequences'], `${field}.consequences`);
  return out;
}

function letter(v: Validator, value: unknown, field: string): LetterSettings {
  const r = v.object(value, field);
  v.only(r, field, ['signatory', 'referencePrefix', 'emailFrom']);
  const out: LetterSettings = {};
  if (r['signatory'] !== undefined) {
    const s = v.object(r['signatory'], `${field}.signatory`);
    v.only(s, `${field}.signatory`, ['name', 'title']);
    out.signatory = { name: v.text(s['name'], `${field}.signatory.name`, 200), title: v.localized(s['title'], `${field}.signatory.title`) };
  }
  const prefix = v.optionalText(r, 'referencePrefix', `${field}.referencePrefix`, 12);
  if (prefix !== undefined) {
    if (!/^[A-Z0-9]{1,12}$/.test(prefix)) v.fail(`${field}.referencePrefix`, 'must be 1-12 capital letters or digits');
    out.referencePrefix = prefix;
  }
  if (r['emailFrom'] !== undefined) {
    // RFC 5322 mailbox: an address, or a display name and an address in angle brackets.
    const text = v.text(r['emailFrom'], `${field}.emailFrom`, 300);
    const angle = /^[^<>"\r\n]*<([^<>]+)>$/.exec(text.trim());
    if (!EMAIL.test(angle?.[1] ?? text)) v.fail(`${field}.emailFrom`, 'must be an e-mail address, or "Name <address>"');
    out.emailFrom = text;
  }
  return out;
}

/** The breach's notice details, or an error naming the breaches the configuration describes. */
export function breachNoticeOf(config: ControllerConfig, breachId: string, source = 'controller.json'): BreachNotice {
  const found = config.breaches.find((b) => b.id === breachId);
  if (found === undefined) {
    throw new VigieError('E_CONFIG', `${source}: "breaches" has no entry with id "${breachId}" (it describes: ${config.breaches.map((b) => b.id).join(', ')})`);
  }
  return found;
}
