// The canonical string `TYPE:VALUE` that every identifier is reduced to before blinding (DESIGN §3, §4),
// and the result type shared by the normalizers of this folder.

/** Outcome of a normalizer: the canonical value, or why the input is not an identifier. */
export type Normalized<T> = { ok: true; value: T } | { ok: false; reason: string };

export type IdentifierType = 'nir' | 'email' | 'phone' | 'person';

export const IDENTIFIER_TYPES: readonly IdentifierType[] = Object.freeze(['nir', 'email', 'phone', 'person'] as const);

/**
 * `TYPE:VALUE` (DESIGN §4, "Canonical string"). The type prefix keeps types from colliding: a value
 * must already be normalized by the matching normalizer; this function only joins.
 */
export function canonical(type: IdentifierType, value: string): string {
  return `${type}:${value}`;
}

/** @internal Result constructors; reasons are constant descriptions, never the input (STYLE "Errors"). */
export function accept<T>(value: T): Normalized<T> {
  return { ok: true, value };
}

/** @internal */
export function reject<T>(reason: string): Normalized<T> {
  return { ok: false, reason };
}
