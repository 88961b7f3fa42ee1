import { describe, expect, it } from 'vitest';
import { exampleControllerConfig } from '../controller/example.js';
import { composeEmail, HEALTH_WORDS } from './email.js';

const config = exampleControllerConfig();
const person = (label: string, letter: boolean) => ({ label, reference: `R-${label}`, code: 'ABCD-EFGH-JKMN-PQRS', letter });

describe('notice e-mail', () => {
  it('is in both languages, the message language first, with the portal typed out and no link', () => {
    const mail = composeEmail({ to: 'a@example.fr', lang: 'en', persons: [person('Jean D.', true)] }, config);
    expect(mail.subject.indexOf('important information')).toBeLessThan(mail.subject.indexOf('information importante'));
    expect(mail.text.indexOf('Dear Sir or Madam')).toBeLessThan(mail.text.indexOf('Madame, Monsieur'));
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('verif.labo-exemple.example');
      expect(part).toContain('ABCD-EFGH-JKMN-PQRS');
      expect(part).not.toMatch(/https?:|<a[\s>]|href/i);
      for (const word of HEALTH_WORDS) expect(part.toLowerCase()).not.toContain(word);
    }
    expect(mail.html).toContain('<div lang="fr">');
  });

  it('mentions the letter only when every person of the message gets one', () => {
    expect(composeEmail({ to: 'a@example.fr', lang: 'fr', persons: [person('Jean D.', true)] }, config).text).toContain('Une lettre vous est aussi adressée');
    const mixed = composeEmail({ to: 'a@example.fr', lang: 'fr', persons: [person('Jean D.', true), person('Lou D.', false)] }, config);
    expect(mixed.text).not.toContain('Une lettre vous est aussi adressée');
    expect(mixed.text).not.toContain('A letter is also on its way');
    expect(mixed.text).toContain('Lou D. : ABCD-EFGH-JKMN-PQRS');
    expect(mixed.text).toContain('dans les dossiers de 2 personnes');
  });

  it('escapes what it puts in HTML', () => {
    const mail = composeEmail({ to: 'a@example.fr', lang: 'fr', persons: [person('<b>x</b>', true), person('y', true)] }, config);
    expect(mail.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>x</b>');
  });
});
