// Data categories with stable codes (DESIGN §3), used in answers, advice, letters and the regulator dossier.

export const CATEGORIES = [
  'identity',
  'birth_date',
  'postal_address',
  'email',
  'phone',
  'nir',
  'insurer',
  'physician',
  'blood_group',
  'health_comment',
  'portal_credentials',
  'lab_visit',
] as const;

export type Category = (typeof CATEGORIES)[number];

const BIT = new Map<string, number>(CATEGORIES.map((c, i) => [c, 1 << i]));

export function isCategory(value: string): value is Category {
  return BIT.has(value);
}

/** Categories as a bit mask, so that a store can merge them with a bitwise OR. */
export function categoryMask(categories: Iterable<Category>): number {
  let mask = 0;
  for (const c of categories) mask |= BIT.get(c) ?? 0;
  return mask;
}

export function categoriesOf(mask: number): Category[] {
  return CATEGORIES.filter((_, i) => (mask & (1 << i)) !== 0);
}

export function categoryBit(category: Category): number {
  return BIT.get(category) ?? 0;
}
