// Masked values for notices (DESIGN §5): enough for a person to recognise their own data, too little to be
// useful to anyone else. Pure functions; inputs are canonical values from src/identifiers.

/** `2550814168025` + key -> `2 55 08 ** *** *** 38`: sex, year and month of birth and the key; place and order hidden. */
export function maskNir(body: string, key: string): string {
  if (body.length !== 13) throw new RangeError(`"nir" body expected 13 characters, got ${body.length}`);
  return `${body[0]} ${body.slice(1, 3)} ${body.slice(3, 5)} ** *** ***${key === '' ? '' : ` ${key}`}`;
}

/** `jean.dupont@example.fr` -> `j***@example.fr`: the first character of the local part and the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) throw new RangeError('"email" expected a local part and a domain');
  return `${email[0]}***${email.slice(at)}`;
}

/**
 * E.164 -> national writing with the middle hidden: `+33612345678` -> `06 ** ** ** 78`; other countries keep their
 * code and the last two digits: `+4915112345678` -> `+49 ** 78`.
 */
export function maskPhone(e164: string): string {
  if (!/^\+\d{6,15}$/.test(e164)) throw new RangeError('"phone" expected an E.164 number');
  if (e164.startsWith('+33') && e164.length === 12) return `0${e164[3]} ** ** ** ${e164.slice(-2)}`;
  // Overseas departments (+590, +596, +594, +262, +269) are written nationally in France as 0590..., 0690...
  const overseas = /^\+(590|596|594|262|269)(\d{9})$/.exec(e164);
  if (overseas !== null) return `0${overseas[2]!.slice(0, 3)} ** ** ${overseas[2]!.slice(-2)}`;
  const country = /^\+(1|7|\d{2})/.exec(e164)![1]!;
  return `+${country} ** ${e164.slice(-2)}`;
}

/** `Jean`, `Dupont` -> `J*** D***`: initials only. */
export function maskName(firstName: string, lastName: string): string {
  const initial = (name: string): string => {
    const first = [...name.trim()][0];
    return first === undefined ? '' : `${first.toLocaleUpperCase('fr')}***`;
  };
  return [initial(firstName), initial(lastName)].filter((s) => s !== '').join(' ');
}

/** `35000` -> `35***`: the department only. */
export function maskPostcode(postcode: string): string {
  const compact = postcode.replace(/\s+/g, '');
  return compact.length < 3 ? '***' : `${compact.slice(0, 2)}***`;
}
