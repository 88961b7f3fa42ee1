// Reads and validates a column mapping file: a JSON object from column header to a field, a category
// or "ignore", used when a file's headers are not recognised or are recognised wrongly.

import { readFileSync } from 'node:fs';
import { CATEGORIES, isCategory } from '../identifiers/categories.js';
import { VigieError } from '../errors.js';
import { FIELDS, isField } from './fields.js';
import type { MappingTarget } from './headers.js';
import type { Mapping } from './types.js';

/**
 * Loads a mapping such as `{"NOM PATIENT": "lastName", "ADR": "postal_address", "ID_INTERNE": "ignore"}`.
 * Throws VigieError E_MAPPING naming the file and the offending key or value.
 */
export function loadMapping(path: string): Mapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new VigieError('E_MAPPING', `mapping file ${path} cannot be read (${code})`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // JSON.parse's message quotes the text near the error; the mapping holds headers, not personal
    // values, so it helps the user fix the file.
    throw new VigieError('E_MAPPING', `mapping file ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return Object.freeze(Object.fromEntries(validateMapping(parsed, `mapping file ${path}`)));
}

/**
 * Checks a mapping object (from a file or from code) and returns it as a Map, so that headers such
 * as "constructor" never hit Object.prototype. `where` prefixes error messages.
 */
export function validateMapping(value: unknown, where = 'mapping'): Map<string, MappingTarget> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VigieError('E_MAPPING', `${where} must be a JSON object of "column header": "field, category or ignore"`);
  }
  const result = new Map<string, MappingTarget>();
  for (const [key, target] of Object.entries(value)) {
    if (key.trim() === '') throw new VigieError('E_MAPPING', `${where}: an empty column header is not a valid key`);
    if (typeof target !== 'string' || !(target === 'ignore' || isField(target) || isCategory(target))) {
      const shown = typeof target === 'string' ? JSON.stringify(target) : `a ${target === null ? 'null' : typeof target}`;
      throw new VigieError(
        'E_MAPPING',
        `${where}: key ${JSON.stringify(key)} maps to ${shown}; expected one of the fields ` +
          `(${FIELDS.join(', ')}), a category (${CATEGORIES.join(', ')}) or "ignore"`,
      );
    }
    result.set(key.trim(), target);
  }
  return result;
}
