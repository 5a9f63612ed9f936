import { createHash } from 'node:crypto';

/**
 * Placeholder illustrations: an image drawn from its URL alone (a title, a
 * subtitle and a size), so the store shows a picture of every product with
 * nothing downloaded and nothing stored but the URL. The router serves the
 * path; the products subgraph writes such URLs for products without pictures.
 */
export const PLACEHOLDER_IMAGE_PATH = '/images/placeholder.svg';

export interface PlaceholderImage {
  title: string;
  subtitle: string;
  width: number;
  height: number;
}

/** What a product gets until an ADMIN gives it pictures: 4:3, as the storefront's cards are. */
export const PLACEHOLDER_SIZE = { width: 800, height: 600 } as const;

const MAX_TEXT = 120;
const MIN_SIDE = 16;
const MAX_SIDE = 2000;

/** The URL (a path on the router's port) that draws this placeholder. */
export function placeholderImageUrl(image: PlaceholderImage): string {
  const query = new URLSearchParams({
    title: image.title,
    subtitle: image.subtitle,
    w: String(image.width),
    h: String(image.height),
  });
  return `${PLACEHOLDER_IMAGE_PATH}?${query.toString()}`;
}

/** The placeholder a query string asks for, or undefined when it asks for none that can be drawn. */
export function parsePlaceholderImage(search: string): PlaceholderImage | undefined {
  const query = new URLSearchParams(search);
  const width = Number(query.get('w'));
  const height = Number(query.get('h'));
  const title = query.get('title');
  const side = (value: number) => Number.isInteger(value) && value >= MIN_SIDE && value <= MAX_SIDE;
  if (!title || !side(width) || !side(height)) return undefined;
  return {
    title: title.slice(0, MAX_TEXT),
    subtitle: (query.get('subtitle') ?? '').slice(0, MAX_TEXT),
    width,
    height,
  };
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (character) =>
      ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[character]!,
  );

/** Lines of at most `width` characters, broken between words, at most `lines` of them. */
function wrap(text: string, width: number, lines: number): string[] {
  const wrapped: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      wrapped.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) wrapped.push(line);
  if (wrapped.length <= lines) return wrapped;
  return [...wrapped.slice(0, lines - 1), `${wrapped[lines - 1]!.slice(0, width - 1)}…`];
}

/**
 * An SVG that says what it is: the title on a backdrop whose colours and
 * shapes come from a hash of title and subtitle, so one product always looks
 * the same and neighbours differ, labelled as an illustration.
 */
export function renderPlaceholderSvg(image: PlaceholderImage): string {
  const { title, subtitle, width, height } = image;
  const hash = createHash('sha256').update(`${subtitle}\n${title}`).digest();
  const hue = Math.round((hash.readUInt16BE(0) / 0xffff) * 360);
  const accent = (hue + 40 + (hash[2]! % 80)) % 360;
  const unit = Math.min(width, height);
  const circles = [0, 1, 2]
    .map((index) => {
      const x = (hash[3 + index * 3]! / 255) * width;
      const y = (hash[4 + index * 3]! / 255) * height;
      const r = unit * (0.15 + (hash[5 + index * 3]! / 255) * 0.3);
      return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="hsl(${accent} 70% 70%)" fill-opacity="0.35"/>`;
    })
    .join('');
  const size = Math.max(Math.round(unit / 11), 8);
  const lines = wrap(title, Math.max(Math.floor((width * 0.8) / (size * 0.55)), 4), 3);
  const top = height / 2 - ((lines.length - 1) * size * 1.2) / 2;
  const text = lines
    .map(
      (line, index) =>
        `<text x="50%" y="${(top + index * size * 1.2).toFixed(1)}" font-size="${size}" font-weight="700">${escapeXml(line)}</text>`,
    )
    .join('');
  const small = Math.max(Math.round(size * 0.45), 6);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(`${title}: placeholder illustration`)}</title>`,
    `<rect width="100%" height="100%" fill="hsl(${hue} 55% 38%)"/>`,
    circles,
    `<g fill="#fff" font-family="system-ui, sans-serif" text-anchor="middle" dominant-baseline="middle">`,
    text,
    subtitle
      ? `<text x="50%" y="${(height - small * 3.2).toFixed(1)}" font-size="${small}" fill-opacity="0.85">${escapeXml(subtitle)}</text>`
      : '',
    `<text x="50%" y="${(height - small * 1.6).toFixed(1)}" font-size="${small}" fill-opacity="0.6">placeholder illustration</text>`,
    `</g></svg>`,
  ].join('');
}
