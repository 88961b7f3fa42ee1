import { describe, expect, it } from 'vitest';
import { canonical, canonicalizeQuery, IDENTIFIER_TYPES, type QueryInput } from './index.js';

describe('canonical', () => {
  it('prefixes the value with its type (DESIGN §4)', () => {
    expect(canonical('nir', '2550814168025')).toBe('nir:2550814168025');
    expect(canonical('person', 'DUPONT|JEAN PIERRE|1990-07-14')).toBe('person:DUPONT|JEAN PIERRE|1990-07-14');
  });

  it('lists the four types', () => {
    expect([...IDENTIFIER_TYPES]).toEqual(['nir', 'email', 'phone', 'person']);
  });
});

describe('canonicalizeQuery', () => {
  it('yields every identifier of a full input, canonical, in a stable order', () => {
    expect(
      canonicalizeQuery({
        nir: '2 55 08 14 168 025 38',
        email: ' Jean.Dupont@Example.fr ',
        phone: '06 12 34 56 78',
        lastName: 'Dupont',
        firstName: 'Jean-Pierre',
        birthDate: '14/07/1990',
      }),
    ).toEqual({
      identifiers: [
        { type: 'nir', canonical: 'nir:2550814168025' },
        { type: 'email', canonical: 'email:jean.dupont@example.fr' },
        { type: 'phone', canonical: 'phone:+33612345678' },
        { type: 'person', canonical: 'person:DUPONT|JEAN PIERRE|1990-07-14' },
      ],
      errors: [],
      nirKeyStatus: 'valid',
    });
  });

  it('ignores empty and blank fields', () => {
    expect(canonicalizeQuery({ nir: '', email: '   ', phone: '0612345678', lastName: '', firstName: ' ', birthDate: '' })).toEqual({
      identifiers: [{ type: 'phone', canonical: 'phone:+33612345678' }],
      errors: [],
    });
    expect(canonicalizeQuery({})).toEqual({ identifiers: [], errors: [] });
  });

  it('still looks up the body of a NIR typed with a wrong key, and says the key is wrong', () => {
    const query = canonicalizeQuery({ nir: '2 55 08 14 168 025 39' });
    expect(query.identifiers).toEqual([{ type: 'nir', canonical: 'nir:2550814168025' }]);
    expect(query.nirKeyStatus).toBe('wrong');
    expect(query.errors).toEqual([]);
  });

  it('reports a NIR typed without its key as missing', () => {
    expect(canonicalizeQuery({ nir: '2550814168025' }).nirKeyStatus).toBe('missing');
  });

  it('needs last name, first name and birth date together, and names each missing one', () => {
    const query = canonicalizeQuery({ lastName: 'Dupont', email: 'jean@example.fr' });
    expect(query.identifiers).toEqual([{ type: 'email', canonical: 'email:jean@example.fr' }]);
    expect(query.errors.map((e) => e.field)).toEqual(['firstName', 'birthDate']);
    for (const e of query.errors) expect(e.reason).toMatch(/required/);
  });

  it('gives one person identifier per typed triple: a compound first name meets the file by folding only', () => {
    const file = canonicalizeQuery({ lastName: 'DUPONT', firstName: 'JEAN PIERRE', birthDate: '1990-07-14' });
    for (const firstName of ['Jean Pierre', 'jean-pierre', 'Jean  Pierre', 'JEAN–PIERRE']) {
      const typed = canonicalizeQuery({ lastName: 'dupont', firstName, birthDate: '14/7/1990' });
      expect(typed.identifiers).toEqual(file.identifiers);
    }
    // No derived variant (first word only): one identifier, which does not meet a file holding only JEAN.
    const typed = canonicalizeQuery({ lastName: 'Dupont', firstName: 'Jean Pierre', birthDate: '14/07/1990' });
    expect(typed.identifiers).toHaveLength(1);
    expect(typed.identifiers[0]!.canonical).not.toBe('person:DUPONT|JEAN|1990-07-14');
  });

  it('reports each bad field, and keeps the good ones', () => {
    const query = canonicalizeQuery({
      nir: '3 55 08 14 168 025',
      email: 'jean.example.fr',
      phone: '06 12 34',
      lastName: 'Dupont2',
      firstName: '--',
      birthDate: '31/02/1990',
    });
    expect(query.identifiers).toEqual([]);
    expect(query.nirKeyStatus).toBeUndefined();
    expect(query.errors).toEqual([
      { field: 'nir', reason: '"nir" has an invalid sex digit' },
      { field: 'email', reason: '"email" must contain exactly one @' },
      { field: 'phone', reason: expect.stringMatching(/^"phone" is not/) },
      { field: 'lastName', reason: '"lastName" contains digits' },
      { field: 'firstName', reason: '"firstName" is empty' },
      { field: 'birthDate', reason: '"birthDate" is not a real calendar date' },
    ]);
  });

  it('tolerates fields that are not strings (a form posted as JSON)', () => {
    const input = { nir: 2550814168025, email: null } as unknown as QueryInput;
    expect(canonicalizeQuery(input)).toEqual({ identifiers: [], errors: [] });
  });
});
