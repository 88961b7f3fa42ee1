import { describe, expect, it } from 'vitest';
import { maskEmail, maskName, maskNir, maskPhone, maskPostcode } from './mask.js';

describe('masked values', () => {
  it('masks a NIR as DESIGN §5 shows it', () => {
    expect(maskNir('2550814168025', '38')).toBe('2 55 08 ** *** *** 38');
    expect(maskNir('1840299123456', '')).toBe('1 84 02 ** *** ***');
    expect(() => maskNir('25508', '38')).toThrow(RangeError);
  });

  it('masks e-mails, phones, names and postcodes', () => {
    expect(maskEmail('jean.dupont@example.fr')).toBe('j***@example.fr');
    expect(maskPhone('+33612345678')).toBe('06 ** ** ** 78');
    expect(maskPhone('+590690123456')).toBe('0690 ** ** 56');
    expect(maskPhone('+4915112345678')).toBe('+49 ** 78');
    expect(maskName('élise', 'Dupont')).toBe('É*** D***');
    expect(maskPostcode('35 000')).toBe('35***');
  });

  it('never leaves the hidden digits in the output', () => {
    for (const [body, hidden] of [['2550814168025', '14168025'], ['1840299123456', '99123456']] as const) {
      expect(maskNir(body, '12').replace(/\D/g, '')).not.toContain(hidden);
    }
    expect(maskPhone('+33612345678')).not.toMatch(/1234|2345|3456/);
  });
});
