/** Longest slug made from a name, before any "-2" suffix. */
const MAX_BASE_LENGTH = 80;

/** Latin letters that Unicode decomposition does not reduce to ASCII. */
const LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  ø: 'o',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  þ: 'th',
};

/**
 * The URL-safe form of a product name: accents dropped, lower-case ASCII
 * letters and digits joined by single hyphens. A name with none of those
 * (only symbols, or a script without a Latin form) becomes "product".
 */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæøœłđþ]/g, (letter) => LETTERS[letter] ?? letter)
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_BASE_LENGTH)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'product' : slug;
}

/** The base itself when free, else base-2, base-3 …: the lowest suffix no taken slug has. */
export function firstFreeSlug(base: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  let suffix = 2;
  while (used.has(`${base}-${suffix}`)) suffix += 1;
  return `${base}-${suffix}`;
}
