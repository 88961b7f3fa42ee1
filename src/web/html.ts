// HTML built as strings, for the server's pages and the browser's results alike: every value goes through `esc`,
// so nothing a person types, and nothing from the controller's file, can become markup.

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value -> HTML-safe text. */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A list of already-safe HTML items; empty string when there is none. */
export function ul(items: readonly string[], className?: string): string {
  if (items.length === 0) return '';
  return `<ul${className === undefined ? '' : ` class="${className}"`}>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

/** Plain texts as a list, escaped. */
export function textList(items: readonly string[], className?: string): string {
  return ul(items.map(esc), className);
}

/** JSON for a `<script type="application/json">` block: `<` escaped so that no `</script>` can close it early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface FieldOptions {
  id: string;
  label: string;
  hint?: string;
  type?: string;
  autocomplete?: string;
  inputmode?: string;
  textarea?: boolean;
  required?: boolean;
  extra?: string;
}

/**
 * A labelled field with its hint and an (initially hidden) error message, both tied to the input for screen readers.
 * No `name` attribute, on purpose: should the script not run, submitting the form sends nothing typed anywhere.
 */
export function field(o: FieldOptions): string {
  const described = [o.hint === undefined ? null : `${o.id}-hint`, `${o.id}-error`].filter((x) => x !== null).join(' ');
  const common =
    `id="${o.id}" aria-describedby="${described}"` +
    (o.autocomplete === undefined ? '' : ` autocomplete="${o.autocomplete}"`) +
    (o.inputmode === undefined ? '' : ` inputmode="${o.inputmode}"`) +
    (o.required === true ? ' required aria-required="true"' : '') +
    (o.extra === undefined ? '' : ` ${o.extra}`);
  const control = o.textarea === true ? `<textarea ${common} rows="3"></textarea>` : `<input type="${o.type ?? 'text'}" ${common}>`;
  return (
    `<div class="field"><label for="${o.id}">${esc(o.label)}</label>` +
    (o.hint === undefined ? '' : `<p class="hint" id="${o.id}-hint">${esc(o.hint)}</p>`) +
    `${control}<p class="error" id="${o.id}-error" hidden></p></div>`
  );
}
