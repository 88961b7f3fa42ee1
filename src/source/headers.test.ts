// Header recognition (French and English), mappings, and mapping files.

import { afterAll, describe, expect, it } from 'vitest';
import { isVigieError } from '../errors.js';
import { normalizeHeader, recogniseHeader, recognisedHeaders, resolveColumns } from './headers.js';
import { loadMapping, validateMapping } from './mapping.js';
import { openSource } from './source.js';
import { readAll, tempFolder } from './test-helpers.js';

const folder = tempFolder();
afterAll(() => folder.remove());

describe('header recognition', () => {
  it.each([
    // French lab export names
    ['NOM', 'lastName'], ['Nom de famille', 'lastName'], ['PRENOM', 'firstName'], ['Prénom', 'firstName'],
    ['NOM_NAISSANCE', 'birthName'], ['Nom de naissance', 'birthName'], ['DATE_NAISSANCE', 'birthDate'],
    ['Date de naissance', 'birthDate'], ['DDN', 'birthDate'], ['SEXE', 'sex'], ['NIR', 'nir'], ['NUM_SECU', 'nir'],
    ['N° sécurité sociale', 'nir'], ['Numéro de sécurité sociale', 'nir'], ['EMAIL', 'email'], ['Courriel', 'email'],
    ['Mail', 'email'], ['TEL_PORTABLE', 'phone'], ['TEL_DOMICILE', 'phone'], ['Téléphone', 'phone'],
    ['Portable', 'phone'], ['CP', 'postcode'], ['Code postal', 'postcode'], ['CODE_LABO', 'lab'],
    ['Laboratoire', 'lab'], ['ADRESSE1', 'address1'], ['ADRESSE', 'address1'], ['ADRESSE2', 'address2'],
    ['Complément d\'adresse', 'address2'], ['VILLE', 'city'], ['Commune', 'city'], ['Pays', 'country'],
    ['Lieu-dit', 'postal_address'], ['NUM_DOSSIER', 'lab_visit'], ['DATE_PRELEVEMENT', 'lab_visit'],
    ['DATE_DERNIERE_VISITE', 'lab_visit'], ['RANG_BENEFICIAIRE', 'insurer'], ['NOM_ASSURE', 'insurer'],
    ['MUTUELLE', 'insurer'], ['MED_PRESC_NOM', 'physician'], ['MED_PRESC_CP', 'physician'],
    ['MED_PRESC_VILLE', 'physician'], ['PRELEVEUR_NOM', 'physician'], ['GROUPE_SANGUIN', 'blood_group'],
    ['Groupe sanguin', 'blood_group'], ['COMMENTAIRE_1', 'health_comment'], ['COMMENTAIRE_2', 'health_comment'],
    ['LOGIN_WEB', 'portal_credentials'], ['MDP_WEB', 'portal_credentials'],
    // English
    ['Last name', 'lastName'], ['Surname', 'lastName'], ['First name', 'firstName'], ['Given name', 'firstName'],
    ['Birth name', 'birthName'], ['Maiden name', 'birthName'], ['Birth date', 'birthDate'],
    ['Date of birth', 'birthDate'], ['DOB', 'birthDate'], ['Sex', 'sex'], ['Gender', 'sex'],
    ['Social security number', 'nir'], ['SSN', 'nir'], ['E-mail', 'email'], ['Mobile phone', 'phone'],
    ['Home phone', 'phone'], ['Phone', 'phone'], ['Tel', 'phone'], ['Postcode', 'postcode'], ['Zip', 'postcode'],
    ['Lab', 'lab'], ['Address', 'address1'], ['Address line 2', 'address2'], ['City', 'city'],
    ['Country', 'country'], ['File number', 'lab_visit'],
    ['Sample date', 'lab_visit'], ['Last visit', 'lab_visit'], ['Insurer', 'insurer'],
    ['Insured person', 'insurer'], ['Beneficiary rank', 'insurer'], ['Prescriber', 'physician'],
    ['Physician', 'physician'], ['Sample taker', 'physician'], ['Blood group', 'blood_group'],
    ['Blood type', 'blood_group'], ['Comment', 'health_comment'], ['Notes', 'health_comment'],
    ['Login', 'portal_credentials'], ['Password', 'portal_credentials'],
    // case, accents and separators do not matter
    ['date-de-naissance', 'birthDate'], ['  PRÉNOM  ', 'firstName'], ['e_mail', 'email'], ['Date.Naissance', 'birthDate'],
    ['nom.naissance', 'birthName'], ['TÉLÉPHONE 2', 'phone'],
  ])('%s -> %s', (header, target) => {
    expect(recogniseHeader(header)).toBe(target);
  });

  it.each(['ID', 'Name', 'NOM_MEDECIN_XYZ', 'NOMS', 'PRENOM_NOM_2X', '', '123'])('does not guess %j', (header) => {
    expect(recogniseHeader(header)).toBeNull();
  });

  it('matches whole headers, never substrings', () => {
    expect(recogniseHeader('MED_PRESC_CP')).toBe('physician');
    expect(recogniseHeader('NOM_ASSURE')).toBe('insurer');
    expect(recogniseHeader('PRENOM_ASSURE')).toBe('insurer');
  });

  it('normalizes accents, case, ligatures and separators', () => {
    expect(normalizeHeader(' N° Sécu-Sociale (œuvre) ')).toBe('nsecusocialeoeuvre');
  });

  it('has no spelling listed under two targets (the table is checked at load)', () => {
    expect(recognisedHeaders().size).toBeGreaterThan(150);
  });
});

describe('columns and mapping', () => {
  it('maps by header, lets the mapping override it, and reports unmapped columns', () => {
    const mapping = validateMapping({ 'ID PATIENT': 'ignore', Observations: 'physician', 'nom patient jf': 'birthName' });
    const columns = resolveColumns(['NOM', 'ID PATIENT', 'Observations', 'NOM PATIENT JF', 'X', '', 'NOM'], mapping);
    expect(columns).toEqual([
      { index: 0, header: 'NOM', field: 'lastName', category: 'identity', mappedBy: 'header' },
      { index: 1, header: 'ID PATIENT', field: null, category: null, mappedBy: 'ignore' },
      { index: 2, header: 'Observations', field: null, category: 'physician', mappedBy: 'mapping' },
      { index: 3, header: 'NOM PATIENT JF', field: 'birthName', category: 'identity', mappedBy: 'mapping' },
      { index: 4, header: 'X', field: null, category: null, mappedBy: null },
      { index: 5, header: '', field: null, category: null, mappedBy: null },
      { index: 6, header: 'NOM', field: 'lastName', category: 'identity', mappedBy: 'header' },
    ]);
  });

  it('does not look mapping keys up on Object.prototype', () => {
    const columns = resolveColumns(['constructor', 'toString'], validateMapping({}));
    expect(columns.map((c) => c.mappedBy)).toEqual([null, null]);
  });

  it('reports unmapped columns through openSource, and keeps duplicate headers', async () => {
    const path = folder.file('cols.csv', 'NOM;PRENOM;CODE_INTERNE;;NOM\nDupont;Jean;X1;;Martin\n');
    const source = await openSource(path, { mapping: { PRENOM: 'ignore' } });
    expect(source.info.unmapped).toEqual(['CODE_INTERNE', '(column 4)']);
    expect(source.info.columns.map((c) => c.field)).toEqual(['lastName', null, null, null, 'lastName']);
    expect(await readAll(source)).toEqual([{ line: 2, cells: ['Dupont', 'Jean', 'X1', '', 'Martin'] }]);
  });

  it('accepts a headerless-looking file when a mapping is given', async () => {
    const source = await openSource(folder.file('odd.csv', 'a,b\n1,2\n'), { mapping: { a: 'nir' } });
    expect(source.info.columns.map((c) => c.mappedBy)).toEqual(['mapping', null]);
  });
});

describe('loadMapping', () => {
  function mappingError(content: string): string {
    const path = folder.file('mapping.json', content);
    try {
      loadMapping(path);
    } catch (error) {
      if (isVigieError(error) && error.code === 'E_MAPPING') return error.message;
      throw error;
    }
    throw new Error('expected E_MAPPING');
  }

  it('loads a valid mapping', () => {
    const path = folder.file('ok.json', '{"NOM PATIENT": "lastName", "ADR": "postal_address", "ID": "ignore"}');
    expect(loadMapping(path)).toEqual({ 'NOM PATIENT': 'lastName', ADR: 'postal_address', ID: 'ignore' });
    expect(Object.isFrozen(loadMapping(path))).toBe(true);
  });

  it('names the file and the bad key', () => {
    const message = mappingError('{"NOM": "lastName", "TEL FIXE": "telephone"}');
    expect(message).toContain('mapping.json');
    expect(message).toContain('"TEL FIXE"');
    expect(message).toContain('"telephone"');
  });

  it.each([
    ['not JSON', '{"NOM": lastName}', 'not valid JSON'],
    ['an array', '["NOM"]', 'must be a JSON object'],
    ['a non-string value', '{"NOM": 3}', 'a number'],
    ['an empty key', '{"": "nir"}', 'empty column header'],
  ])('rejects %s', (_, content, expected) => {
    expect(mappingError(content)).toContain(expected);
  });

  it('names a missing file', () => {
    expect(() => loadMapping('/nonexistent/mapping.json')).toThrow(/mapping file \/nonexistent\/mapping.json cannot be read/);
  });

  it('validates a mapping given to openSource', async () => {
    await expect(openSource(folder.file('m.csv', 'NOM\nx\n'), { mapping: { NOM: 'name' } })).rejects.toMatchObject({
      code: 'E_MAPPING',
    });
  });
});
