import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VigieError } from '../errors.js';
import { breachNoticeOf, loadControllerConfig, validateControllerConfig } from './config.js';
import { exampleControllerConfig } from './example.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-controller-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example with one field replaced (path a.b[0].c; undefined deletes it). */
function withField(path: string, value: unknown): unknown {
  const config = JSON.parse(JSON.stringify(exampleControllerConfig())) as Record<string, unknown>;
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
  let node = config as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return config;
}

function refusal(value: unknown): VigieError {
  try {
    validateControllerConfig(value, 'c.json');
  } catch (error) {
    if (error instanceof VigieError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('controller configuration', () => {
  it('accepts the built-in example, unchanged', () => {
    expect(validateControllerConfig(JSON.parse(JSON.stringify(exampleControllerConfig())))).toEqual(exampleControllerConfig());
  });

  it('loads a file and names the file when it is not JSON or missing', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(exampleControllerConfig()));
    expect(loadControllerConfig(good).portalUrl).toBe('https://verif.labo-exemple.example');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version": 1,');
    expect(() => loadControllerConfig(bad)).toThrow(/bad\.json is not valid JSON/);
    expect(() => loadControllerConfig(join(dir, 'none.json'))).toThrow(/none\.json cannot be read \(ENOENT\).*controller init/);
  });

  it.each([
    ['version', 2, '"version" must be 1'],
    ['controller', undefined, '"controller" is missing'],
    ['controller.name', '', '"controller.name" must not be empty'],
    ['controller.address.lines', [], '"controller.address.lines" must have at least 1 item'],
    ['controller.address.postcode', 35000, '"controller.address.postcode" must be a string'],
    ['controller.website', 'http://labo.example', '"controller.website" must be an https:// address'],
    ['controller.siren', '12345', '"controller.siren" must be 9 digits'],
    ['dpo.email', 'not-an-address', '"dpo.email" must be an e-mail address'],
    ['phoneLine.number', 'call us', '"phoneLine.number" must be a phone number'],
    ['phoneLine.hours', { fr: 'lundi' }, '"phoneLine.hours.en" is missing'],
    ['portalUrl', 'https://verif.example/?ref=1', '"portalUrl" must not have a query'],
    ['portalUrl', 'ftp://verif.example', '"portalUrl" must be an https:// address'],
    ['languages', ['fr', 'de'], '"languages[1]" must be "fr" or "en"'],
    ['languages', ['fr', 'fr'], '"languages" lists a language twice'],
    ['breaches', [], '"breaches" must have at least 1 item'],
    ['breaches[0].id', 'Labos 2021', '"breaches[0].id" must be 1-64 characters'],
    ['breaches[0].discoveredAt', '23/02/2021', '"breaches[0].discoveredAt" must be an ISO 8601 date'],
    ['breaches[0].occurredTo', '2010-01-01', '"breaches[0].occurredTo" is before occurredFrom'],
    ['breaches[0].measures[1].fr', 'a\u0007b', '"breaches[0].measures[1].fr" contains a control character'],
    ['breaches[0].sumary', { fr: 'x', en: 'y' }, '"breaches[0].sumary" is not a known field'],
    ['letter.referencePrefix', 'lab-x', '"letter.referencePrefix" must be 1-12 capital letters or digits'],
    ['letter.emailFrom', 'Lab <nobody>', '"letter.emailFrom" must be an e-mail address'],
    ['labs.LAB01', 3, '"labs.LAB01" must be a string'],
  ])('refuses %s = %j, naming the field', (path, value, message) => {
    const error = refusal(withField(path, value));
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain('c.json: ');
    expect(error.message).toContain(message);
  });

  it('refuses a document that is not an object', () => {
    expect(refusal([]).message).toBe('c.json: the document must be a JSON object');
  });

  it('finds the breach to notify, or lists those it describes', () => {
    const config = exampleControllerConfig();
    expect(breachNoticeOf(config, 'labos-2021').id).toBe('labos-2021');
    expect(() => breachNoticeOf(config, 'other')).toThrow(/no entry with id "other" \(it describes: labos-2021\)/);
  });
});
