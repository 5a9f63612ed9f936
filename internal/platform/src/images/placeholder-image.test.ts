import {
  parsePlaceholderImage,
  placeholderImageUrl,
  PLACEHOLDER_IMAGE_PATH,
  renderPlaceholderSvg,
} from './placeholder-image';

describe('placeholder images', () => {
  const image = {
    title: 'Crème & "Brûlée" <Deluxe>',
    subtitle: 'Kitchen',
    width: 800,
    height: 600,
  };

  it('reads back from its URL what the URL was made from', () => {
    const url = placeholderImageUrl(image);
    expect(url.startsWith(`${PLACEHOLDER_IMAGE_PATH}?`)).toBe(true);
    expect(parsePlaceholderImage(url.slice(url.indexOf('?')))).toEqual(image);
  });

  it('refuses a size it will not draw, or no title', () => {
    expect(parsePlaceholderImage('?title=a&w=800&h=99999')).toBeUndefined();
    expect(parsePlaceholderImage('?title=a&w=1.5&h=600')).toBeUndefined();
    expect(parsePlaceholderImage('?w=800&h=600')).toBeUndefined();
  });

  it('draws the same SVG for the same product, another for another, with the text escaped', () => {
    const svg = renderPlaceholderSvg(image);
    expect(renderPlaceholderSvg(image)).toBe(svg);
    expect(renderPlaceholderSvg({ ...image, title: 'Another' })).not.toBe(svg);
    expect(svg).toContain('Crème &amp; &quot;Brûlée&quot; &lt;Deluxe&gt;');
    expect(svg).not.toContain('<Deluxe>');
    expect(svg).toMatch(/^<svg [^>]*width="800" height="600"/);
  });
});
