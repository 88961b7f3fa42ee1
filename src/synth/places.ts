// Geography for the synthetic leak: a hand-written table of towns and postcodes per department (the six
// departments of the labs first, then a few others, Corsica and overseas), and their phone prefixes.

export interface Town {
  readonly name: string;
  readonly postcode: string;
}

export interface Department {
  /** INSEE code as used in a NIR birthplace and in statistics: '56', '2A', '971'. */
  readonly code: string;
  /** Landline prefixes (national format, with the leading 0). */
  readonly landline: readonly string[];
  /** Mobile prefixes (national format). */
  readonly mobile: readonly string[];
  /** Country calling code used in international format: '33', or '590', '596', '594', '262'. */
  readonly callingCode: string;
  readonly towns: readonly Town[];
}

const METRO_MOBILE = ['06', '07'] as const;

function metro(code: string, landline: string, towns: readonly (readonly [string, string])[]): Department {
  return { code, landline: [landline], mobile: METRO_MOBILE, callingCode: '33', towns: towns.map(([name, postcode]) => ({ name, postcode })) };
}

function overseas(code: string, landline: string, mobile: readonly string[], callingCode: string, towns: readonly (readonly [string, string])[]): Department {
  return { code, landline: [landline], mobile, callingCode, towns: towns.map(([name, postcode]) => ({ name, postcode })) };
}

/** The departments of the 28 labs (DATA.md §1: physicians' postcodes mostly 56, 45, 27, 22, 35, 41). */
export const LAB_DEPARTMENTS: readonly Department[] = [
  metro('56', '02', [
    ['Vannes', '56000'], ['Lorient', '56100'], ['Pontivy', '56300'], ['Auray', '56400'], ['Ploërmel', '56800'],
    ['Hennebont', '56700'], ['Lanester', '56600'], ['Questembert', '56230'], ['Guidel', '56520'], ['Muzillac', '56190'],
    ['Quiberon', '56170'], ['Josselin', '56120'],
  ]),
  metro('45', '02', [
    ['Orléans', '45000'], ['Montargis', '45200'], ['Gien', '45500'], ['Pithiviers', '45300'], ['Fleury-les-Aubrais', '45400'],
    ['Saint-Jean-de-Braye', '45800'], ['Olivet', '45160'], ['Meung-sur-Loire', '45130'], ['Beaugency', '45190'],
    ['Châteauneuf-sur-Loire', '45110'], ['Briare', '45250'],
  ]),
  metro('27', '02', [
    ['Évreux', '27000'], ['Vernon', '27200'], ['Louviers', '27400'], ['Bernay', '27300'], ['Les Andelys', '27700'],
    ['Gisors', '27140'], ['Pont-Audemer', '27500'], ['Val-de-Reuil', '27100'], ['Gaillon', '27600'], ['Conches-en-Ouche', '27190'],
  ]),
  metro('22', '02', [
    ['Saint-Brieuc', '22000'], ['Lannion', '22300'], ['Dinan', '22100'], ['Guingamp', '22200'], ['Loudéac', '22600'],
    ['Lamballe-Armor', '22400'], ['Paimpol', '22500'], ['Plérin', '22190'], ['Perros-Guirec', '22700'], ['Ploufragan', '22440'],
    ['Tréguier', '22220'],
  ]),
  metro('35', '02', [
    ['Rennes', '35000'], ['Saint-Malo', '35400'], ['Fougères', '35300'], ['Vitré', '35500'], ['Redon', '35600'],
    ['Bruz', '35170'], ['Cesson-Sévigné', '35510'], ['Dinard', '35800'], ['Montfort-sur-Meu', '35160'], ['Combourg', '35270'],
    ['Châteaugiron', '35410'], ['Saint-Aubin-d’Aubigné', '35250'],
  ]),
  metro('41', '02', [
    ['Blois', '41000'], ['Vendôme', '41100'], ['Romorantin-Lanthenay', '41200'], ['Mer', '41500'], ['Salbris', '41300'],
    ['Saint-Aignan', '41110'], ['Lamotte-Beuvron', '41600'], ['Montoire-sur-le-Loir', '41800'], ['Chailles', '41120'],
  ]),
];

/** Other mainland departments, for patients who live elsewhere and for a few physicians. */
export const OTHER_METRO_DEPARTMENTS: readonly Department[] = [
  metro('29', '02', [['Quimper', '29000'], ['Brest', '29200'], ['Morlaix', '29600'], ['Quimperlé', '29300']]),
  metro('44', '02', [['Nantes', '44000'], ['Saint-Nazaire', '44600'], ['Guérande', '44350']]),
  metro('14', '02', [['Caen', '14000'], ['Lisieux', '14100'], ['Bayeux', '14400']]),
  metro('76', '02', [['Rouen', '76000'], ['Le Havre', '76600'], ['Dieppe', '76200']]),
  metro('28', '02', [['Chartres', '28000'], ['Dreux', '28100'], ['Châteaudun', '28200']]),
  metro('37', '02', [['Tours', '37000'], ['Amboise', '37400'], ['Chinon', '37500']]),
  metro('18', '02', [['Bourges', '18000'], ['Vierzon', '18100']]),
  metro('50', '02', [['Saint-Lô', '50000'], ['Cherbourg-en-Cotentin', '50100'], ['Avranches', '50300']]),
  metro('61', '02', [['Alençon', '61000'], ['Argentan', '61200']]),
  metro('53', '02', [['Laval', '53000'], ['Mayenne', '53100']]),
  metro('72', '02', [['Le Mans', '72000'], ['La Flèche', '72200']]),
  metro('75', '01', [['Paris', '75011'], ['Paris', '75015'], ['Paris', '75018']]),
  metro('92', '01', [['Nanterre', '92000'], ['Boulogne-Billancourt', '92100']]),
  metro('59', '03', [['Lille', '59000'], ['Roubaix', '59100']]),
  metro('67', '03', [['Strasbourg', '67000']]),
  metro('69', '04', [['Lyon', '69003'], ['Villeurbanne', '69100']]),
  metro('13', '04', [['Marseille', '13005'], ['Aix-en-Provence', '13100']]),
  metro('33', '05', [['Bordeaux', '33000'], ['Mérignac', '33700']]),
  metro('31', '05', [['Toulouse', '31000']]),
];

/** Corsica: postcodes 20000–20199 are in 2A (Corse-du-Sud), 20200 and above in 2B (Haute-Corse). */
export const CORSICA_DEPARTMENTS: readonly Department[] = [
  metro('2A', '04', [['Ajaccio', '20000'], ['Porto-Vecchio', '20137'], ['Propriano', '20110'], ['Sartène', '20100']]),
  metro('2B', '04', [['Bastia', '20200'], ['Corte', '20250'], ['Calvi', '20260'], ['L’Île-Rousse', '20220']]),
];

/** Overseas departments (DATA.md §3 for the prefixes). */
export const OVERSEAS_DEPARTMENTS: readonly Department[] = [
  overseas('971', '0590', ['0690', '0691'], '590', [['Pointe-à-Pitre', '97110'], ['Les Abymes', '97139'], ['Baie-Mahault', '97122'], ['Le Gosier', '97190']]),
  overseas('972', '0596', ['0696', '0697'], '596', [['Fort-de-France', '97200'], ['Le Lamentin', '97232'], ['Le Robert', '97231']]),
  overseas('973', '0594', ['0694'], '594', [['Cayenne', '97300'], ['Kourou', '97310'], ['Saint-Laurent-du-Maroni', '97320']]),
  overseas('974', '0262', ['0692', '0693'], '262', [['Saint-Denis', '97400'], ['Saint-Pierre', '97410'], ['Le Tampon', '97430'], ['Saint-Paul', '97460']]),
  overseas('976', '0269', ['0639'], '262', [['Mamoudzou', '97600'], ['Koungou', '97690'], ['Dzaoudzi', '97615']]),
];

/** Department of a French postcode: 97x overseas, 2A/2B for Corsica, otherwise the first two digits. */
export function departmentOfPostcode(postcode: string): string {
  if (!/^\d{5}$/.test(postcode)) throw new RangeError(`"postcode" expected 5 digits, got ${postcode.length} characters`);
  if (postcode.startsWith('97') || postcode.startsWith('98')) return postcode.slice(0, 3);
  if (postcode.startsWith('20')) return Number(postcode) < 20200 ? '2A' : '2B';
  return postcode.slice(0, 2);
}

/** Every mainland department code usable as a birthplace (01–95 without 20; Corsica is handled apart). */
export const MAINLAND_BIRTH_DEPARTMENTS: readonly string[] = Array.from({ length: 95 }, (_, i) => String(i + 1).padStart(2, '0')).filter(
  (code) => code !== '20',
);

/** Three-digit INSEE country codes (after '99') for births abroad; an illustrative subset. */
export const ABROAD_COUNTRIES: readonly string[] = ['109', '127', '131', '132', '134', '139', '212', '243', '321', '341', '350', '351', '352', '401', '404'];
