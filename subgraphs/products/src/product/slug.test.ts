import { firstFreeSlug, slugify } from './slug';

describe('slugify', () => {
  it.each([
    ['Trail Runner 2000', 'trail-runner-2000'],
    ['  Crème Brûlée — Deluxe!  ', 'creme-brulee-deluxe'],
    ['Äpfel, Øl & Straße', 'apfel-ol-strasse'],
    ['--a__b--', 'a-b'],
    ['日本茶', 'product'],
    ['!!!', 'product'],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('keeps slugs short and without a trailing hyphen', () => {
    const slug = slugify(`${'a'.repeat(79)} b`);
    expect(slug).toBe('a'.repeat(79));
  });
});

describe('firstFreeSlug', () => {
  it('takes the base when free, else the lowest free suffix from 2', () => {
    expect(firstFreeSlug('mug', ['mug-blue'])).toBe('mug');
    expect(firstFreeSlug('mug', ['mug', 'mug-blue'])).toBe('mug-2');
    expect(firstFreeSlug('mug', ['mug', 'mug-2', 'mug-4'])).toBe('mug-3');
  });
});
